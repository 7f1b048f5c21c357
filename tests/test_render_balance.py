"""Balancing a leaflet's last page (handouts.pdf.render.draw_leaflet): every try is laid out without being
drawn (pdfdoc.measure_pages), and only the layout kept is drawn, where it was placed (Measured.draw). The layout
measured must be the one platypus draws in one pass (pdfdoc.write_pdf), byte for byte, and the spacing chosen
the one drawing every try in order chose."""

from __future__ import annotations

import io
from functools import lru_cache

import pytest
from pypdf import PdfReader
from reportlab.platypus import Flowable

from handouts.config.layouts import load_layout
from handouts.content.languages import load_language
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context
from handouts.pdf import render
from handouts.text.fonts import FontLibrary, font_chain
from tests.conftest import CONTENT, LAYOUTS


@lru_cache(maxsize=None)
def _fonts() -> FontLibrary:
    return FontLibrary(LAYOUTS)


def _args(topic_id: str, lang: str, level: str, paper: str, layout: str = "leaflet") -> tuple:
    """draw_leaflet's inputs for one document, as _draw_pages and _measure_pages take them."""
    topic = read_topic(CONTENT, topic_id)
    language = load_language(CONTENT, lang)
    document = read_document(topic, lang, level, template_context(topic, language, None))
    chain = font_chain(_fonts(), language.body_font, list(language.fallback_fonts), language.code)
    return document, language, load_layout(LAYOUTS, layout), paper, chain, None, None


# (document, the try balancing keeps): en easy needs the tightest; en standard the second; zh-Hans standard (CJK
# wrapping) the last. In SHORT no try fills the last page a third, so every try is laid out and the first with the
# fewest pages is kept: ar easy on Letter (right to left) the third, es easy the last (10 pages, not 11)
KEPT = {("back-mouse", "en", "easy", "a4"): (0.7, 0.85), ("back-mouse", "en", "standard", "a4"): (0.85, 1.0),
        ("back-mouse", "ar", "easy", "letter"): (0.7, 1.0), ("back-mouse", "zh-Hans", "standard", "a4"): (0.7, 0.85),
        ("back-mouse", "es", "easy", "a4"): (0.7, 0.85)}
SHORT = {("back-mouse", "ar", "easy", "letter"), ("back-mouse", "es", "easy", "a4")}
DOCUMENTS = list(KEPT)


def _one_pass(args: tuple, spacing: float, figure_scale: float) -> tuple[bytes, int, float]:
    """The pages at one try as platypus lays them out and draws them in one pass (write_pdf), as balancing
    drew every try before it measured them: the file, its page count and its last page's fill."""
    from handouts.document import metadata
    from handouts.pdf.pdfdoc import write_pdf
    from handouts.pdf.tagging import Tagger

    document, language, layout, paper, chain, clinic, personal = args
    level_style, cover, body, furniture = render._flowables(*args, spacing, figure_scale)
    target = io.BytesIO()
    written = write_pdf(target, paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                        cover_flowables=cover, body_flowables=body, metadata=metadata(document, language, clinic),
                        lang=language.code, base_font=chain.primary.name, tagger=Tagger(),
                        published=document.topic.published)
    return target.getvalue(), written.pages, written.last_fill


@pytest.mark.parametrize("doc", DOCUMENTS, ids=["/".join(d[1:]) for d in DOCUMENTS])
def test_the_layout_measured_is_the_layout_drawn_in_one_pass_at_every_try(doc):
    args = _args(*doc)
    document, language, _, _, chain, clinic, _ = args
    for spacing, figure_scale in render.END_BALANCING:
        data, pages, fill = _one_pass(args, spacing, figure_scale)
        measured, _, _ = render._measure_pages(*args, spacing, figure_scale)
        assert (measured.pages, measured.last_fill) == (pages, fill), (doc, spacing, figure_scale)
        drawn = render._draw_measured(measured, document, language, chain, clinic, True)
        assert drawn.pages == pages and drawn.data == data, (doc, spacing, figure_scale)


def _drawing_every_try(args: tuple) -> bytes:
    """What balancing gave when it drew every try in order: the first that ends a page early enough, else the
    first of those with the fewest pages."""
    fewest = None
    for spacing, figure_scale in render.END_BALANCING:
        data, pages, fill = _one_pass(args, spacing, figure_scale)
        if pages == 1 or fill >= render.LAST_PAGE_MIN_FILL:
            return data
        if fewest is None or pages < fewest[1]:
            fewest = (data, pages)
    return fewest[0]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=["/".join(d[1:]) for d in DOCUMENTS])
def test_balancing_draws_only_the_layout_it_keeps_and_keeps_the_same_one(doc, monkeypatch):
    args = _args(*doc)
    expected = _drawing_every_try(args)
    measured_tries, drawn = [], []
    measure_pages, draw_measured = render._measure_pages, render._draw_measured
    monkeypatch.setattr(render, "_measure_pages", lambda *a: measured_tries.append(a[-2:]) or measure_pages(*a))
    monkeypatch.setattr(render, "_draw_measured", lambda *a: drawn.append(a[0]) or draw_measured(*a))
    result = render.draw_leaflet(*args[:4], _fonts())
    assert result.data == expected   # byte for byte: the same spacing, drawn the same way
    assert len(PdfReader(io.BytesIO(result.data)).pages) == result.pages
    # every try is laid out, in order, until one is kept; one layout is drawn (four drawn passes for en easy
    # before, one now)
    kept = KEPT[doc]
    assert measured_tries == list(render.END_BALANCING if doc in SHORT
                                  else render.END_BALANCING[:render.END_BALANCING.index(kept) + 1])
    assert len(drawn) == 1 and drawn[0].pages == result.pages
    _, pages, _ = _one_pass(args, *kept)
    assert result.pages == pages == min(_one_pass(args, *t)[1] for t in measured_tries)


def test_a_booklet_is_not_balanced(monkeypatch):
    """Its pages before imposition: the first try only, drawn as platypus draws it."""
    measured = []
    measure_pages = render._measure_pages
    monkeypatch.setattr(render, "_measure_pages", lambda *a: measured.append(a[-2:]) or measure_pages(*a))
    args = _args("back-mouse", "en", "easy", "a4", "booklet")
    result = render.draw_leaflet(*args[:4], _fonts())
    assert measured == [render.END_BALANCING[0]]
    assert result.data == _one_pass(args, *render.END_BALANCING[0])[0]


class _Counted(Flowable):
    """A block of fixed height that counts how often it is drawn."""

    def __init__(self, height: float, drawn: list) -> None:
        super().__init__()
        self.height, self._drawn = height, drawn

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.height

    def draw(self) -> None:
        self._drawn.append(self)


def test_measure_pages_lays_out_without_drawing_and_leaves_the_flowables_as_they_were():
    from handouts.pdf.pdfdoc import measure_pages, write_pdf

    document, language, layout, paper, chain, *_ = _args("back-mouse", "en", "standard", "a4")
    level_style, _, _, furniture = render._flowables(document, language, layout, paper, chain, None, None, 1.0)
    drawn: list = []

    def blocks() -> list[Flowable]:
        return [_Counted(100.0, drawn) for _ in range(30)]   # 3000 pt: two columns a page, about 3 pages

    kwargs = dict(paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                  cover_flowables=[], lang="en", base_font=chain.primary.name)
    body = blocks()
    measured = measure_pages(body_flowables=body, **kwargs)
    assert drawn == []
    assert all("drawOn" not in block.__dict__ for block in body)   # the class's drawOn is back
    written = write_pdf(io.BytesIO(), body_flowables=blocks(), metadata={}, **kwargs)
    assert len(drawn) == 30
    assert measured.pages >= 2 and (measured.pages, measured.last_fill) == (written.pages, written.last_fill)
    # drawing the measured layout draws each block once, where it was placed, on as many pages
    target = io.BytesIO()
    again = measured.draw(target, metadata={}, tagger=None, published=None)
    again.finish()
    assert drawn[30:] == body and again.pages == measured.pages == len(PdfReader(target).pages)


def _counting_spacing(monkeypatch) -> list:
    """Count the walks over a whole body that add up its space between blocks (render._spacing calls itself for
    the content of boxes and tables: those are not counted)."""
    walks, depth = [], [0]
    spacing = render._spacing

    def counted(flowables):
        if depth[0] == 0:
            walks.append(len(flowables))
        depth[0] += 1
        try:
            return spacing(flowables)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(render, "_spacing", counted)
    return walks


@pytest.mark.parametrize("doc, walks", [(("back-mouse", "en", "standard", "letter"), 0),
                                        (("back-mouse", "en", "easy", "a4"), 1)],
                         ids=["one-try", "four-tries"])
def test_the_space_tightening_could_save_is_added_up_only_for_a_short_first_try(doc, walks, monkeypatch):
    """A leaflet whose first try ends well adds up no space between blocks; one that needs tighter tries adds up
    the first try's once (it decides which tries are worth laying out), not every try's."""
    args = _args(*doc)
    tries = []
    measure_pages = render._measure_pages
    monkeypatch.setattr(render, "_measure_pages", lambda *a: tries.append(a[-2:]) or measure_pages(*a))
    counted = _counting_spacing(monkeypatch)
    result = render.draw_leaflet(*args[:4], _fonts())
    assert len(tries) == (1 if walks == 0 else len(render.END_BALANCING))
    assert len(counted) == walks and all(n > 20 for n in counted)   # the whole body, not a box's content
    assert result.data == _drawing_every_try(args)
