"""The writers: one per layout kind and output format, each saying what it supports.

Planning asks this registry which formats a layout can be written in and whether a personalised or encrypted
copy is possible, so an unsupported combination is a usage error before any work, not a wrong file afterwards.
Each writer runs the steps after the model for its kind: draw the pages (handouts.pdf, which writes a finished,
tagged file in one pass: handouts.pdf.finishing), then, for a booklet, impose them (handouts.post); or write the
HTML twin (handouts.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

from handouts.config.clinic import Clinic, branded_layout
from handouts.config.layouts import Layout
from handouts.config.personal import PersonalCopy
from handouts.content import model
from handouts.content.languages import Language
from handouts.errors import OverflowError_
from handouts.text.fonts import FontLibrary
from handouts.timing import stage


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int          # 0 for a web page


@dataclass(frozen=True)
class Writer:
    kind: str           # the layout kind it writes: leaflet (pages), booklet (imposed pages) or trifold
    format: str         # pdf or html
    paper: bool         # whether the output depends on the paper size
    personal: bool      # can make a personalised copy (name, note, questions area)
    encrypt: bool       # can be password protected
    write: Callable[..., Rendered]


def layout_kind(layout: Layout) -> str:
    if layout.kind == "trifold":
        return "trifold"
    return "booklet" if layout.imposition == "booklet" else "leaflet"


def _leaflet_pdf(document, language, layout, paper, fonts, clinic, personal) -> Rendered:
    from handouts.pdf.render import draw_leaflet

    drawn = draw_leaflet(document, language, layout, paper, fonts, clinic, personal)
    return Rendered(drawn.data, drawn.pages)


def _booklet_pdf(document, language, layout, paper, fonts, clinic, personal) -> Rendered:
    """Pad with notes pages to a multiple of four and impose two-up for saddle stitching; tagged like the
    leaflet, the structure carried onto the sheets (handouts.post.imposition)."""
    from handouts.pdf.render import draw_leaflet
    from handouts.post.imposition import impose_booklet, notes_pages, padded_count

    drawn = draw_leaflet(document, language, layout, paper, fonts, clinic, personal)
    # The notes heading is drawn with the canvas directly, which neither shapes nor reorders text: scripts
    # that need either get ruled lines without a heading rather than a wrongly drawn one.
    plain = not language.rtl and not language.extra.get("shaping") and language.line_breaking == "words"
    # the notes pages go between the text and the back cover (the leaflet's last page): numbered from there
    notes = partial(notes_pages, title=language.s("notes") if plain else "", font_name=drawn.font,
                    first_number=drawn.pages)
    with stage("post-process"):   # imposition is the one step that needs the finished file
        sheets = impose_booklet(drawn.data, layout.sheet_size(paper), notes_page=notes, rtl=language.rtl,
                                back_cover=True)
    return Rendered(sheets, padded_count(drawn.pages) // 2)


def _trifold_pdf(document, language, layout, paper, fonts, clinic, personal) -> Rendered:
    from handouts.pdf.trifold import render_trifold

    drawn = render_trifold(document, language, layout, paper, fonts, clinic, personal)
    return Rendered(drawn.data, drawn.pages)


def _leaflet_html(document, language, layout, paper, fonts, clinic, personal) -> Rendered:
    from handouts.html.writer import render_html

    return Rendered(render_html(document, language, layout, clinic, fonts=fonts), 0)


WRITERS: dict[tuple[str, str], Writer] = {
    (w.kind, w.format): w for w in (
        Writer("leaflet", "pdf", paper=True, personal=True, encrypt=True, write=_leaflet_pdf),
        Writer("booklet", "pdf", paper=True, personal=True, encrypt=True, write=_booklet_pdf),
        Writer("trifold", "pdf", paper=True, personal=True, encrypt=True, write=_trifold_pdf),
        Writer("leaflet", "html", paper=False, personal=False, encrypt=False, write=_leaflet_html),
    )
}


def writer_for(layout: Layout, fmt: str) -> Writer | None:
    """The writer of this layout in this format, or None where there is none (a tri-fold has no HTML twin)."""
    return WRITERS.get((layout_kind(layout), fmt))


def render(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
           clinic: Clinic | None = None, personal: PersonalCopy | None = None, *, fmt: str = "pdf") -> Rendered:
    """One document in one layout, paper and format. The clinic's accent is applied here, once for every writer."""
    from reportlab.platypus.doctemplate import LayoutError as ReportlabLayoutError

    from handouts.pdf.pdfdoc import DoesNotFit

    writer = writer_for(layout, fmt)
    if writer is None:
        raise ValueError(f"no {fmt} writer for layout kind {layout_kind(layout)!r}")  # planning prevents this
    try:
        return writer.write(document, language, branded_layout(layout, clinic), paper, fonts, clinic, personal)
    except DoesNotFit as exc:   # before the first section heading: the cover's own content
        where = f"section '{exc.section}'" if exc.section else "the cover (summary, clinic details or note)"
        raise too_large(document, layout, paper, where, exc.frame) from None
    except ReportlabLayoutError:   # while measuring a tri-fold panel, outside a LeafletDocTemplate
        raise too_large(document, layout, paper, "a panel", None) from None


def too_large(document: model.Document, layout: Layout, paper: str, where: str,
              frame: tuple[float, float] | None) -> OverflowError_:
    """Content too large for any frame of the layout: one line naming the document, the section and the frame,
    never reportlab's object dump."""
    from reportlab.lib.units import mm

    size = f" ({frame[0] / mm:.0f} x {frame[1] / mm:.0f} mm)" if frame else ""
    return OverflowError_(f"{where} has something too large for any frame{size} of layout '{layout.name}' on "
                          f"{paper} ({document.lang}/{document.level})", path=document.path,
                          hint="shorten or split that block, or give the layout larger frames "
                               f"(margins, columns, type sizes in {layout.path.name})")


def render_pdf(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
               clinic: Clinic | None = None, personal: PersonalCopy | None = None) -> Rendered:
    return render(document, language, layout, paper, fonts, clinic, personal, fmt="pdf")
