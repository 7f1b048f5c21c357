"""The layout work paragraphs keep (handouts.pdf.paragraph): lines broken once per width, and what paragraphs of
the same markup and style share across the tries of a leaflet's spacing. Kept work must never change a byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import Paragraph as ReportlabParagraph

from handouts.build import matrix
from handouts.build.plan import BuildOptions, Job
from handouts.paths import default_content_dir, default_layouts_dir
from handouts.pdf import paragraph
from handouts.pdf.paragraph import Paragraph

TEXT = ("A back mouse is a small lump of fat under the skin of the lower back. It can be <b>tender</b> when you "
        "press on it, and it <i>rarely</i> needs treatment.")


@pytest.fixture
def breaks(monkeypatch):
    """Count reportlab's own line breaking; start with nothing shared."""
    calls = []
    real = ReportlabParagraph.breakLines
    monkeypatch.setattr(ReportlabParagraph, "breakLines", lambda self, width: calls.append(width) or real(self, width))
    monkeypatch.setattr(paragraph, "_SHARED", type(paragraph._SHARED)())
    return calls


def _lines(para: Paragraph) -> list[str]:
    return [" ".join(getattr(w, "text", str(w)) for w in line.words) for line in para.blPara.lines]


def test_a_paragraph_breaks_its_lines_once_per_width(breaks):
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    para = Paragraph(TEXT, style)
    heights = [para.wrap(width, 500)[1] for width in (200, 200, 120, 200, 120)]
    assert len(breaks) == 2
    fresh = {width: Paragraph(TEXT, style).wrap(width, 500)[1] for width in (200, 120)}
    assert heights == [fresh[200], fresh[200], fresh[120], fresh[200], fresh[120]]
    assert fresh[120] > fresh[200]


def test_the_same_text_and_style_share_lines_whatever_the_space_around_it(breaks):
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=6)
    first = Paragraph(TEXT, style)
    first.wrap(200, 500)
    tighter = Paragraph(TEXT, style.clone("body", spaceAfter=4))    # the next try of the spacing
    tighter.wrap(200, 500)
    assert len(breaks) == 1 and _lines(tighter) == _lines(first)
    larger = Paragraph(TEXT, style.clone("body", fontSize=13))       # a different style is broken afresh
    larger.wrap(200, 500)
    assert len(breaks) == 2 and len(larger.blPara.lines) > len(first.blPara.lines)


def test_a_split_part_keeps_its_own_lines(breaks):
    """A paragraph laid out here (right to left): its parts draw their own lines, and the next try's paragraph
    takes the whole's words."""
    from handouts.text.fonts import FontLibrary, font_chain

    font = font_chain(FontLibrary(default_layouts_dir()), "noto-sans", [], "en").primary.name
    style = ParagraphStyle("body", fontName=font, fontSize=11, leading=14, textDirection="rtl", alignment=2)
    whole = Paragraph(TEXT, style)
    _, height = whole.wrap(120, 500)
    top, rest = whole.split(120, height / 2)
    assert top.wrap(120, 500)[1] + rest.wrap(120, 500)[1] == height
    assert top._lines + rest._lines == whole._lines and top._lines != whole._lines
    again = Paragraph(TEXT, style.clone("body", spaceBefore=3))
    assert again.wrap(120, 500)[1] == height and again._all_words() is whole._all_words()


def _render(job: Job) -> bytes:
    options = BuildOptions(default_content_dir(), default_layouts_dir(), Path("unused"))
    return matrix._render_job(job, options)[0]


@pytest.mark.parametrize("lang, level", [("ar", "standard"), ("en", "easy")])
def test_kept_layout_gives_the_bytes_of_a_fresh_one(lang, level, monkeypatch):
    """Arabic (shaped, right to left, each line's glyph operations kept) and English Easy Read (reportlab's
    lines): drawn with nothing kept, then again with everything the first made, then the other paper in
    between: the same bytes every time."""
    monkeypatch.setattr(paragraph, "_SHARED", type(paragraph._SHARED)())
    job = Job("back-mouse", lang, level, "leaflet", "a4")
    fresh = _render(job)
    assert len(paragraph._SHARED) > 0
    assert _render(job) == fresh
    _render(Job("back-mouse", lang, level, "leaflet", "letter"))
    assert _render(job) == fresh


def _documents(count: int, start: int = 0) -> list[list[str]]:
    """`count` documents of three paragraphs each, none shared with another."""
    return [[f"Paragraph {n} of document {d}." for n in range(3)] for d in range(start, start + count)]


def _build(document: list[str], style) -> None:
    paragraph.begin_document()
    for text in document:
        Paragraph(text, style).wrap(200, 500)


def test_the_documents_built_in_a_row_share_their_paragraphs(breaks):
    """Six documents built round-robin (the benchmark's English leaflets, a worker's papers of a language):
    every paragraph of the second round is the first round's, its lines not broken again."""
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    documents = _documents(paragraph._DOCUMENTS_KEPT)
    for document in documents:
        _build(document, style)
    first_round = len(breaks)
    assert first_round == 3 * len(documents)
    kept = dict(paragraph._SHARED)
    for document in documents:
        _build(document, style)
    assert len(breaks) == first_round
    assert all(paragraph._SHARED[key] is shared for key, shared in kept.items())


def test_the_shared_paragraphs_stay_bounded(breaks, monkeypatch):
    """Paragraphs of documents older than the last few are let go, and a caller that never begins a document
    keeps at most _SHARED_KEPT."""
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    for document in _documents(40):
        _build(document, style)
    assert len(paragraph._SHARED) == 3 * (paragraph._DOCUMENTS_KEPT + 1)
    oldest = paragraph._document - paragraph._DOCUMENTS_KEPT
    assert all(shared.used >= oldest for shared in paragraph._SHARED.values())
    monkeypatch.setattr(paragraph, "_SHARED_KEPT", 10)
    for n in range(50):   # one document, many paragraphs
        Paragraph(f"Line {n} of a long document.", style)
    assert len(paragraph._SHARED) == 10
    assert "Line 49 of a long document." in next(reversed(paragraph._SHARED))


def test_styles_alike_but_for_their_spacing_have_one_key():
    """Each try of a leaflet's spacing makes its styles again: their keys are one object (compared by identity,
    hashed once), a style that draws differently has another, and an unhashable value has none."""
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, spaceAfter=6)
    tighter = style.clone("body", spaceAfter=4, spaceBefore=2)
    assert paragraph._style_key(tighter) is paragraph._style_key(style) is not None
    assert paragraph._style_key(style.clone("body", fontSize=12)) != paragraph._style_key(style)
    assert paragraph._style_key(style.clone("body", textLanguage=["en"])) is None
    assert paragraph._shared_key(TEXT, tighter, None, 1) == paragraph._shared_key(TEXT, style, None, 1)


def test_glyph_operations_are_let_go_when_a_document_does_not_use_them(monkeypatch):
    """Shaped lines' glyph operations (most of the memory kept) stay while the next document may draw the same
    lines again, and go once a document has not used the paragraph; its words and lines stay."""
    monkeypatch.setattr(paragraph, "_SHARED", type(paragraph._SHARED)())
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    paragraph.begin_document()
    Paragraph(TEXT, style).wrap(200, 500)
    shared = next(iter(paragraph._SHARED.values()))
    shared.plans[(0, 0.0, 0.0)] = "a plan"
    kept = shared.plans
    paragraph.begin_document()   # the next document: it may draw the paragraph at the same place
    assert shared.plans is kept
    paragraph.begin_document()   # the one after: the last document did not use it
    assert shared.plans == {} and kept == {(0, 0.0, 0.0): "a plan"}
    assert shared.lines or shared.broken


def test_paragraphs_laid_out_here_are_kept_by_count(monkeypatch):
    """Shaped and right-to-left paragraphs (several times a Latin one's memory) stay at most _OWN_KEPT, the
    least recently used going first, whatever the documents."""
    from handouts.text.fonts import FontLibrary, font_chain

    monkeypatch.setattr(paragraph, "_SHARED", type(paragraph._SHARED)())
    monkeypatch.setattr(paragraph, "_OWN", type(paragraph._OWN)())
    monkeypatch.setattr(paragraph, "_OWN_KEPT", 5)
    font = font_chain(FontLibrary(default_layouts_dir()), "noto-sans", [], "en").primary.name
    rtl = ParagraphStyle("body", fontName=font, fontSize=11, leading=14, textDirection="rtl", alignment=2)
    latin = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14)
    paragraph.begin_document()
    for n in range(8):
        Paragraph(f"Line {n}.", rtl)
        Paragraph(f"Line {n}.", latin)
    own = [key for key, shared in paragraph._SHARED.items() if shared.own]
    assert len(own) == 5 and list(paragraph._OWN) == own
    assert "Line 7." in own[-1][0] and "Line 3." in own[0][0]
    assert sum(not shared.own for shared in paragraph._SHARED.values()) == 8
