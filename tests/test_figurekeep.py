"""Figures kept in the disk cache (handouts.pdf.figurekeep): a new process replays a figure recorded by an earlier
one, byte for byte what drawing it live writes, without building or walking its shapes; a damaged entry is made
again; what cannot be named or pickled exactly is not kept."""

from __future__ import annotations

import io

import pytest

from handouts.content.reader import read_figure_texts, read_topic
from tests.conftest import CONTENT, LAYOUTS, build_into

WIDTH = 187.5


@pytest.fixture(scope="module")
def style_and_labels():
    from handouts.config.layouts import load_layout
    from handouts.content.languages import load_language
    from handouts.pdf.drawings import figure_palette, figure_style
    from handouts.text.fonts import FontLibrary, font_chain

    language = load_language(CONTENT, "en")
    chain = font_chain(FontLibrary(LAYOUTS), language.body_font, list(language.fallback_fonts), "en")
    style = figure_style(chain, False, figure_palette(load_layout(LAYOUTS, "leaflet")), 9.0)
    labels = tuple(sorted(read_figure_texts(read_topic(CONTENT, "back-mouse"), "en")["cross-section"].labels.items()))
    return style, labels


@pytest.fixture
def new_process(tmp_path, monkeypatch):
    """An empty disk cache of its own, and a function that forgets what this process made (as a new one would)."""
    from handouts.pdf import drawings, formcache

    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path / "cache"))

    def forget() -> None:
        drawings.figure.cache_clear()
        monkeypatch.setattr(formcache, "_RECORDINGS", type(formcache._RECORDINGS)())

    forget()
    yield forget
    drawings.figure.cache_clear()


def _page(style, labels, *, live: bool) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    from handouts.figures import draw_figure
    from handouts.pdf.drawings import figure
    from handouts.pdf.formcache import form_state

    canvas = Canvas(buffer := io.BytesIO(), invariant=1, initialFontName=style.chain.primary.name)
    canvas.setFont(style.chain.primary.face("bold").name, 11)
    canvas.drawString(10, 10, "zyx before the figure")   # the document's own subset codes come first
    state, font_name = form_state(canvas), canvas._fontname
    canvas.beginForm("F", 0, 0, 200, 200)
    if live:
        drawing = draw_figure("cross-section", dict(labels), style, WIDTH)
        drawing.initialFontName = font_name
        renderPDF.draw(drawing, canvas, 0, 0)
    else:
        figure("cross-section", labels, style, WIDTH).draw_form_content(canvas, state, font_name)
    canvas.endForm()
    canvas.doForm("F")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _counting(monkeypatch):
    from handouts.pdf import drawings, formcache

    built, recorded = [], []
    build_drawing, record = drawings.build_drawing, formcache.record
    monkeypatch.setattr(drawings, "build_drawing", lambda *key: built.append(key) or build_drawing(*key))
    monkeypatch.setattr(formcache, "record", lambda canvas, draw: recorded.append(1) or record(canvas, draw))
    return built, recorded


def test_a_new_process_replays_a_kept_figure_as_drawing_it_live_writes(style_and_labels, new_process, monkeypatch):
    from handouts.pdf import figurekeep

    style, labels = style_and_labels
    live = _page(style, labels, live=True)
    built, recorded = _counting(monkeypatch)
    assert _page(style, labels, live=False) == live          # made here, and kept
    assert (len(built), len(recorded)) == (1, 1)
    path = figurekeep.entry("cross-section", labels, style, WIDTH)
    kept = figurekeep.recall(path)
    assert kept is not None and len(kept.recordings) == 1
    new_process()
    assert _page(style, labels, live=False) == live          # read back: no shapes built, nothing recorded
    assert (len(built), len(recorded)) == (1, 1)
    new_process()
    assert _page(style, labels, live=False) == live
    assert (len(built), len(recorded)) == (1, 1)


def test_a_damaged_entry_is_made_again(style_and_labels, new_process, monkeypatch):
    from handouts.pdf import figurekeep

    style, labels = style_and_labels
    live = _page(style, labels, live=True)
    _page(style, labels, live=False)
    path = figurekeep.entry("cross-section", labels, style, WIDTH)
    path.write_bytes(path.read_bytes()[:-40])
    assert figurekeep.recall(path) is None
    new_process()
    built, recorded = _counting(monkeypatch)
    assert _page(style, labels, live=False) == live
    assert (len(built), len(recorded)) == (1, 1)
    assert figurekeep.recall(path) is not None              # rewritten whole


def test_an_entry_names_everything_the_figure_is_drawn_with(style_and_labels, new_process):
    import dataclasses

    from handouts.figures.palette import DEFAULT_PALETTE
    from handouts.pdf import figurekeep

    style, labels = style_and_labels
    path = figurekeep.entry("cross-section", labels, style, WIDTH)
    assert path == figurekeep.entry("cross-section", labels, style, WIDTH)
    others = [figurekeep.entry("cross-section", labels, style, WIDTH + 0.001),
              figurekeep.entry("where-it-happens", labels, style, WIDTH),
              figurekeep.entry("cross-section", labels[1:], style, WIDTH),
              figurekeep.entry("cross-section", labels, dataclasses.replace(style, label_floor=8.0), WIDTH),
              figurekeep.entry("cross-section", labels, dataclasses.replace(style, rtl=True), WIDTH),
              figurekeep.entry("cross-section", labels,
                               dataclasses.replace(style, palette=DEFAULT_PALETTE.grayscale()), WIDTH)]
    assert None not in others and len({path, *others}) == len(others) + 1
    # a style it cannot name exactly (no font chain) is not kept at all
    assert figurekeep.entry("cross-section", labels, dataclasses.replace(style, chain=None), WIDTH) is None


def test_only_recordings_of_plain_values_are_kept(tmp_path, new_process):
    from handouts.pdf import figurekeep
    from handouts.pdf.formcache import Call

    plain = (("q\n1 0 0 1 2 3 cm", "Q"), Call("setFont", ("Face", 9.5), ()),
             Call("drawString", (1, 2.0, "Skin"), (("mode", None),)))
    figurekeep.keep(tmp_path / "plain.pickle", 10.0, 20.0, {("state",): plain})
    kept = figurekeep.recall(tmp_path / "plain.pickle")
    assert kept is not None and kept.recordings == {("state",): plain} and (kept.width, kept.height) == (10.0, 20.0)
    assert [type(arg) for arg in kept.recordings[("state",)][2].args] == [int, float, str]

    class Shaped(str):
        pass

    odd = (Call("drawString", (1, 2, Shaped("Skin")), ()),)
    figurekeep.keep(tmp_path / "odd.pickle", 10.0, 20.0, {("state",): odd})
    assert not (tmp_path / "odd.pickle").exists()


def test_a_build_in_a_new_process_reads_every_figure_from_the_disk_cache(tmp_path, new_process, monkeypatch):
    from tests.trees import english_tree

    content, layouts = english_tree(tmp_path, levels=("standard",))
    built, recorded = _counting(monkeypatch)
    first = build_into(tmp_path / "a", content_dir=content, layouts_dir=layouts, papers=("a4",), jobs=1)
    assert len(built) == len(recorded) >= 4
    made = len(built)
    new_process()
    again = build_into(tmp_path / "b", content_dir=content, layouts_dir=layouts, papers=("a4",), jobs=1)
    assert (len(built), len(recorded)) == (made, made)      # nothing built or recorded again
    assert [e["sha256"] for e in again.values()] == [e["sha256"] for e in first.values()]
