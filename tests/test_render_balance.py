"""Balancing a leaflet's last page (handouts.pdf.render.draw_leaflet): a tighter spacing is first laid out
without being drawn (pdfdoc.measure_pages), and only the spacing kept is drawn. The layout measured must be the
layout drawn, and the spacing chosen the one drawing every try in order would choose."""

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


# (document, the try balancing keeps): en easy needs the tightest; ar easy on Letter (right to left) the
# second; zh-Hans standard (CJK wrapping) the last; with es standard none ends a page earlier, so the first is kept
KEPT = {("back-mouse", "en", "easy", "a4"): (0.7, 0.85), ("back-mouse", "ar", "easy", "letter"): (0.85, 1.0),
        ("back-mouse", "zh-Hans", "standard", "a4"): (0.7, 0.85), ("back-mouse", "es", "standard", "a4"): None}
DOCUMENTS = list(KEPT)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=["/".join(d[1:]) for d in DOCUMENTS])
def test_the_layout_measured_is_the_layout_drawn_at_every_try(doc):
    args = _args(*doc)
    for spacing, figure_scale in render.END_BALANCING:
        drawn, fill, _, _ = render._draw_pages(*args, spacing, figure_scale, True)
        measured = render._measure_pages(*args, spacing, figure_scale)
        assert (measured.pages, measured.last_fill) == (drawn.pages, fill), (doc, spacing, figure_scale)


def _drawing_every_try(args: tuple) -> bytes:
    """What balancing gave when it drew every try in order: the first that ends a page early enough, else the
    first try."""
    first = None
    for spacing, figure_scale in render.END_BALANCING:
        drawn, fill, _, _ = render._draw_pages(*args, spacing, figure_scale, True)
        first = first or drawn
        if drawn.pages == 1 or fill >= render.LAST_PAGE_MIN_FILL:
            return drawn.finish().data
    return first.finish().data


@pytest.mark.parametrize("doc", DOCUMENTS, ids=["/".join(d[1:]) for d in DOCUMENTS])
def test_balancing_draws_only_the_spacing_it_keeps_and_keeps_the_same_one(doc, monkeypatch):
    args = _args(*doc)
    expected = _drawing_every_try(args)
    drawn_tries, measured_tries = [], []
    draw_pages, measure_pages = render._draw_pages, render._measure_pages
    monkeypatch.setattr(render, "_draw_pages", lambda *a: drawn_tries.append(a[-3:-1]) or draw_pages(*a))
    monkeypatch.setattr(render, "_measure_pages", lambda *a: measured_tries.append(a[-2:]) or measure_pages(*a))
    result = render.draw_leaflet(*args[:4], _fonts())
    assert result.data == expected   # byte for byte: the same spacing, drawn the same way
    assert len(PdfReader(io.BytesIO(result.data)).pages) == result.pages
    # the first try is drawn (most leaflets keep it); tighter ones are only laid out, in order, until one is
    # kept, and that one is drawn: four drawn passes for en easy before, two now
    first, *tighter = render.END_BALANCING
    kept = KEPT[doc]
    assert drawn_tries == [first] + ([kept] if kept else [])
    assert measured_tries == (tighter[:tighter.index(kept) + 1] if kept else tighter)


def test_a_booklet_is_not_balanced(monkeypatch):
    measured = []
    monkeypatch.setattr(render, "_measure_pages", lambda *a: measured.append(a))
    args = _args("back-mouse", "en", "easy", "a4", "booklet")
    render.draw_leaflet(*args[:4], _fonts())
    assert measured == []


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
