"""Figures inside built leaflets: how many, which, and that their words follow the leaflet's language."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from handouts.content.reader import read_figure_texts, read_topic
from tests.conftest import CONTENT, LAYOUTS, build_into
from tests.pdfread import form_names


def figure_ids(path) -> set[str]:
    return {m.group(1) for name in form_names(path) if (m := re.search(r"Fig-(.+)-\d+x\d+$", name))}


@pytest.mark.parametrize("level,minimum", [("standard", 4), ("easy", 8), ("detailed", 4)])
def test_figures_present(english, level, minimum):
    found = figure_ids(english / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf")
    assert len(found) >= minimum, found
    assert {"where-it-happens", "cross-section"} <= found


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    out = tmp_path_factory.mktemp("es")
    build_into(out, langs=("es",), levels=("standard",), papers=("a4",))
    return out / "back-mouse/es/back-mouse_es_standard_leaflet_a4.pdf"


def test_figure_labels_follow_the_language(spanish):
    text = " ".join((PdfReader(spanish).pages[0].extract_text() or "").split())
    spanish_labels = read_figure_texts(read_topic(CONTENT, "back-mouse"), "es")["cross-section"].labels
    english_labels = read_figure_texts(read_topic(CONTENT, "back-mouse"), "en")["cross-section"].labels
    assert spanish_labels["muscle"] in text
    assert english_labels["muscle"] not in text.replace(spanish_labels["muscle"], "")


def test_every_language_has_every_figure_text():
    topic = read_topic(CONTENT, "back-mouse")
    english = read_figure_texts(topic, "en")
    for folder in sorted(p for p in topic.path.iterdir() if p.is_dir()):
        texts = read_figure_texts(topic, folder.name)
        assert set(texts) == set(english), folder.name
        for fig_id, text in texts.items():
            assert text.alt.strip(), (folder.name, fig_id)
            assert set(text.labels) == set(english[fig_id].labels), (folder.name, fig_id)


# --- figures drawn once per process (handouts.pdf.formcache) -------------------------------------------------

def _form_canvas(fonts, first_text: str):
    """A canvas whose document has already drawn `first_text`: its subset codes and font names differ."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(buffer := io.BytesIO(), invariant=1, initialFontName=fonts["regular"])
    canvas.buffer = buffer
    canvas.setFont(fonts["bold"], 11)
    canvas.drawString(10, 10, first_text)
    return canvas


def _labelled_drawing(fonts):
    from reportlab.graphics.shapes import Drawing, Group, Rect, String
    from reportlab.lib.colors import Color

    drawing = Drawing(120, 60, initialFontName=fonts["regular"])
    group = Group(Rect(2, 2, 100, 40, fillColor=Color(0.2, 0.4, 0.8, alpha=0.5)),
                  String(10, 20, "Muscle over fat", fontName=fonts["regular"], fontSize=9))
    drawing.add(group)
    drawing.add(String(10, 45, "Skin", fontName=fonts["bold"], fontSize=8))
    return drawing


def _begin_and_end_form(canvas, drawing, live: bool) -> None:
    """Form "F" with `drawing` in it: drawn live by renderPDF, or through the per-process form cache."""
    from reportlab.graphics import renderPDF

    from handouts.pdf.formcache import draw_form_content, form_state

    state = form_state(canvas)
    canvas.beginForm("F", 0, 0, 120, 60)
    if live:
        renderPDF.draw(drawing, canvas, 0, 0)
    else:
        draw_form_content(canvas, drawing, state, lambda: renderPDF.draw(drawing, canvas, 0, 0))
    canvas.endForm()


def _form(canvas, drawing, live: bool) -> bytes:
    _begin_and_end_form(canvas, drawing, live)
    canvas.doForm("F")
    canvas.showPage()
    canvas.save()
    return canvas.buffer.getvalue()


def test_a_replayed_figure_is_what_drawing_it_live_writes_in_another_document():
    """The second document already used other characters and fonts: the replayed labels get its own subset
    codes and font names, and the transparency state its own name, exactly as renderPDF would give them."""
    from handouts.pdf.formcache import _RECORDINGS
    from handouts.text.fonts import FontLibrary
    from tests.conftest import LAYOUTS

    family = FontLibrary(LAYOUTS).family("atkinson-hyperlegible")
    fonts = {style: family.face(style).name for style in ("regular", "bold")}
    drawing = _labelled_drawing(fonts)
    recorded = _form(_form_canvas(fonts, "abc"), drawing, live=False)
    assert drawing in _RECORDINGS                     # the first document recorded it
    assert recorded == _form(_form_canvas(fonts, "abc"), drawing, live=True)
    replayed = _form(_form_canvas(fonts, "zyx Skin"), drawing, live=False)
    live = _form(_form_canvas(fonts, "zyx Skin"), drawing, live=True)
    assert replayed == live


@pytest.fixture
def per_process(monkeypatch):
    """Figures made in this process only: none read from or kept in the disk cache (handouts.pdf.figurekeep,
    tested in tests/test_figurekeep.py), so a test can count what one process builds and records."""
    from handouts.pdf import drawings, figurekeep

    monkeypatch.setattr(figurekeep, "entry", lambda *key: None)
    drawings.figure.cache_clear()
    yield
    drawings.figure.cache_clear()


def test_a_build_draws_each_figure_once_and_rebuilds_the_same_bytes(tmp_path, monkeypatch, per_process):
    from handouts.pdf import formcache
    from tests.trees import english_tree

    content, layouts = english_tree(tmp_path, levels=("standard",))
    recorded = []
    record = formcache.record
    monkeypatch.setattr(formcache, "_RECORDINGS", type(formcache._RECORDINGS)())
    monkeypatch.setattr(formcache, "record", lambda canvas, draw: recorded.append(1) or record(canvas, draw))
    first = build_into(tmp_path / "a", content_dir=content, layouts_dir=layouts, papers=("a4",), jobs=1)
    drawn = len(recorded)
    assert drawn >= 4
    again = build_into(tmp_path / "b", content_dir=content, layouts_dir=layouts, papers=("a4",), jobs=1)
    assert len(recorded) == drawn                      # the second build replayed every figure
    assert [e["sha256"] for e in again.values()] == [e["sha256"] for e in first.values()]


def test_each_figure_is_built_and_recorded_once_per_process_and_only_its_recording_is_kept(tmp_path, monkeypatch,
                                                                                           per_process):
    """Issue #17: every later page, balancing pass and document replays a figure; none builds its Drawing or
    records its form again, and no Drawing stays in memory once its form is recorded. (A balancing try that is
    only laid out and not kept builds figures at its own scale for their size and never draws them: those are
    built once and not recorded.)"""
    import gc
    import weakref

    from handouts.pdf import drawings, formcache
    from tests.trees import english_tree

    content, layouts = english_tree(tmp_path, levels=("easy", "standard"))
    drawings.figure.cache_clear()
    monkeypatch.setattr(formcache, "_RECORDINGS", type(formcache._RECORDINGS)())
    built, recorded, alive = [], [], []
    build_drawing, record = drawings.build_drawing, formcache.record

    def counting_build(*key):
        drawing = build_drawing(*key)
        built.append(key)
        alive.append(weakref.ref(drawing))
        return drawing

    monkeypatch.setattr(drawings, "build_drawing", counting_build)
    monkeypatch.setattr(formcache, "record", lambda canvas, draw: recorded.append(1) or record(canvas, draw))
    first = build_into(tmp_path / "a", content_dir=content, layouts_dir=layouts, jobs=1)
    info = drawings.figure.cache_info()
    assert len(built) == len(set(built)) == info.misses >= len(recorded) >= 8
    assert info.hits > 0   # both papers, and Easy Read's balancing passes, used the figures already made
    gc.collect()
    never_drawn = [form for form in _cached_forms() if form not in formcache._RECORDINGS]
    assert len(never_drawn) == info.misses - len(recorded)
    assert all(form._drawing is None for form in _cached_forms() if form in formcache._RECORDINGS)
    assert len([ref for ref in alive if ref() is not None]) == len(never_drawn)
    again = build_into(tmp_path / "b", content_dir=content, layouts_dir=layouts, jobs=1)
    assert (len(built), len(recorded)) == (info.misses, len(recorded))
    assert [e["sha256"] for e in again.values()] == [e["sha256"] for e in first.values()]


def _cached_forms() -> list:
    """The FigureForms the figure cache holds (functools keeps them in the wrapper's closure)."""
    import gc

    from handouts.pdf.drawings import FigureForm

    return [obj for obj in gc.get_objects() if type(obj) is FigureForm]


def test_a_figure_met_in_a_new_form_state_is_built_again_and_drawn_as_it_would_be_live(per_process):
    """A cached figure keeps no Drawing once recorded; a document whose form starts in another state (another
    initial font) gets the figure built again and drawn exactly as live, then replayed like the first."""
    import io

    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    from handouts.config.layouts import load_layout
    from handouts.content.languages import load_language
    from handouts.figures import draw_figure
    from handouts.pdf.drawings import figure, figure_palette, figure_style
    from handouts.pdf.formcache import form_state
    from handouts.text.fonts import FontLibrary, font_chain

    language = load_language(CONTENT, "en")
    chain = font_chain(FontLibrary(LAYOUTS), language.body_font, list(language.fallback_fonts), "en")
    style = figure_style(chain, False, figure_palette(load_layout(LAYOUTS, "leaflet")), 9.0)
    labels = tuple(sorted(read_figure_texts(read_topic(CONTENT, "back-mouse"), "en")["cross-section"].labels.items()))

    def page(font: str, cached: bool) -> bytes:
        canvas = Canvas(buffer := io.BytesIO(), invariant=1, initialFontName=font)
        state, font_name = form_state(canvas), canvas._fontname
        canvas.beginForm("F", 0, 0, 200, 200)
        if cached:
            figure("cross-section", labels, style, 187.5).draw_form_content(canvas, state, font_name)
        else:
            drawing = draw_figure("cross-section", dict(labels), style, 187.5)
            drawing.initialFontName = font_name
            renderPDF.draw(drawing, canvas, 0, 0)
        canvas.endForm()
        canvas.doForm("F")
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    regular, bold = chain.primary.name, chain.primary.face("bold").name
    assert page(regular, cached=True) == page(regular, cached=False)
    assert figure("cross-section", labels, style, 187.5)._drawing is None
    for _ in range(2):   # built again, then replayed
        assert page(bold, cached=True) == page(bold, cached=False)


def test_a_replayed_form_sets_transparency_like_a_live_one_with_a_few_calls():
    """A form begins without transparency states, so renderPDF's states (one per shape) are recorded as text,
    the save/restore pair around each plain shape too; the replay names the same states in the form's resources
    and leaves the same values as drawing it live, in a document that used other states before."""
    from reportlab.graphics.shapes import Drawing, Group, Line, Rect
    from reportlab.lib.colors import Color

    from handouts.pdf.formcache import _RECORDINGS, Call, GStates
    from handouts.text.fonts import FontLibrary

    family = FontLibrary(LAYOUTS).family("atkinson-hyperlegible")
    fonts = {style: family.face(style).name for style in ("regular", "bold")}
    drawing = Drawing(120, 60, initialFontName=fonts["regular"])
    drawing.add(Group(Rect(2, 2, 50, 20), Line(0, 0, 100, 50), transform=(1, 0, 0, 1, 5, 5)))
    drawing.add(Rect(60, 10, 30, 30, fillColor=Color(0.2, 0.4, 0.8, alpha=0.5), strokeColor=None))

    def other_states_first(canvas):
        canvas.setFillAlpha(0.3)
        canvas.rect(0, 0, 5, 5, fill=1)
        return canvas

    recorded = _form(other_states_first(_form_canvas(fonts, "abc")), drawing, live=False)
    assert recorded == _form(other_states_first(_form_canvas(fonts, "abc")), drawing, live=True)
    (recording,) = _RECORDINGS[drawing].values()
    calls = [piece.name for piece in recording if isinstance(piece, Call)]
    assert "setFillAlpha" not in calls and "setStrokeAlpha" not in calls
    assert calls.count("saveState") <= 2   # the drawing's own and its initial font's; not one per shape
    assert isinstance(recording[-1], GStates) and recording[-1].transparency
    replayed = _form(other_states_first(_form_canvas(fonts, "zyx")), drawing, live=False)
    assert replayed == _form(other_states_first(_form_canvas(fonts, "zyx")), drawing, live=True)

    def form_states(live: bool) -> dict:
        """The transparency states the form names (what FigureFlowable writes into its resources)."""
        from reportlab.pdfbase.pdfdoc import xObjectName

        canvas = other_states_first(_form_canvas(fonts, "abc"))
        _begin_and_end_form(canvas, drawing, live)
        states = canvas._doc.idToObject[xObjectName("F")].ExtGState.dict
        return {name: value.dict for name, value in states.items()}

    assert form_states(live=False) == form_states(live=True) == {"gRLs0": {"ca": 0.5}}


def test_labels_raised_to_a_floor_move_apart_and_the_figure_grows_to_hold_them():
    """Issue #13: a small figure at Easy Read's 12 pt floor had its stacked labels drawn over each other
    (cross-section: "Back mouse", "Fascia (a thin, tough layer)", "Small tear"). They now move apart, their
    leaders with them, and the figure grows under its art to hold them."""
    from reportlab.graphics.shapes import Group, String

    from handouts.content.languages import load_language
    from handouts.figures import DEFAULT_PALETTE, FigureStyle, draw_figure
    from handouts.content.reader import read_figure_texts, read_topic
    from handouts.text.fonts import FontLibrary, font_chain

    fonts = FontLibrary(LAYOUTS)
    language = load_language(CONTENT, "en")
    chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), "en")
    labels = read_figure_texts(read_topic(CONTENT, "back-mouse"), "en")["cross-section"].labels

    def strings(node, dy=0.0, scale=1.0):
        for child in getattr(node, "contents", []):
            if isinstance(child, Group):
                t = child.transform
                yield from strings(child, dy * 1 + t[5] * scale, scale * t[3])
            elif isinstance(child, String):
                yield child.text, dy + child.y * scale, child.fontSize * scale

    for floor, width in ((0.0, 230), (12.0, 180)):
        style = FigureStyle(chain.primary.name, chain.primary.face("bold").name, DEFAULT_PALETTE, False, chain=chain,
                            label_floor=floor)
        drawing = draw_figure("cross-section", labels, style, width)
        words = sorted(strings(drawing), key=lambda item: -item[1])
        boxes = [(y - 0.25 * size, y + 0.7 * size) for _, y, size in words]
        for (bottom, _), (_, top) in zip(boxes, boxes[1:]):
            assert top <= bottom + 0.5, words   # each line clears the one under it
        x0, y0, x1, y1 = drawing.getBounds()
        assert y0 >= -1, (floor, y0)   # nothing hangs under the figure's box into the text below it
        if floor:
            assert min(size for _, _, size in words) >= floor - 0.01
            assert drawing.height > width * 123.51 / 230 + 1   # it grew under its art
