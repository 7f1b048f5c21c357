"""One document, one page layout, one paper → the pages as reportlab writes them.

Assembles the pieces for a single PDF: the font chain of the language, the styles of the reading level, the
flowables of every section in the layout's order, the furniture (header, footer, cover), then hands them to the
PDF writer (pdfdoc). Post-processing is the next step (handouts.writers). Pure apart from font loading.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable, Spacer
from reportlab.platypus.flowables import PageBreakIfNotEmpty


from handouts.content import model
from handouts.config.clinic import Clinic
from handouts.config.personal import PersonalCopy
from handouts.pdf.flowables import RenderContext, box_flowable, section_flowables
from handouts.document import check_figures, footer_line, local_date, metadata, publisher, review_trail, status_text
from handouts.pdf.drawings import drawing, figure_palette, figure_style
from handouts.text.fonts import FontLibrary, font_chain
from handouts.content.languages import Language
from handouts.config.layouts import Layout
from handouts.text.bidi import isolate
from handouts.text.markup import text_markup
from handouts.pdf.paragraph import Paragraph  # reportlab's, plus shaped and right-to-left line layout
from handouts.pdf.notes import closing_area
from handouts.pdf.pdfdoc import (Furniture, PageGeometry, Written, cover_space, measure_pages, stack_height,
                                 write_pdf)
from handouts.pdf.styles import build_styles
from handouts.pdf.tagging import Tagger
from handouts.timing import stage


@dataclass(frozen=True)
class _Pending:
    """Pages laid out and drawn at one spacing, not yet written: only the spacing draw_leaflet keeps is."""

    buffer: io.BytesIO
    written: Any        # pdfdoc.Written
    tagger: Tagger | None
    font: str

    @property
    def pages(self) -> int:
        return self.written.pages

    def finish(self) -> "DrawnPDF":
        with stage("write"):
            self.written.finish()
        return DrawnPDF(self.buffer.getvalue(), self.written.pages, self.tagger, self.font)


@dataclass(frozen=True)
class DrawnPDF:
    """A PDF as reportlab wrote it: post-processing (structure tree, dates, imposition) is the writer's next step."""

    data: bytes
    pages: int
    tagger: Tagger | None
    font: str          # the body face, for pages the post-processor adds (a booklet's notes pages)


def draw_leaflet(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
                 clinic: Clinic | None = None, personal: PersonalCopy | None = None, *, tagged: bool = True
                 ) -> DrawnPDF:
    """The pages of a leaflet (also large print and a booklet's pages before imposition), with the spacing that
    leaves the last page at least a third full where one within END_BALANCING does. `tagged`: record marked
    content for a tagged PDF (every writer tags; a booklet's imposition carries the structure onto its sheets).

    The first spacing is drawn at once (most leaflets keep it); a tighter one is first only laid out
    (_measure_pages: the same layout, nothing drawn), and drawn once it is the one kept. The spacing chosen is
    the same as drawing every try would choose."""
    from handouts import figures as figures_pkg
    chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), language.code)
    check_figures(document, figures_pkg.FIGURE_IDS, figures_pkg.label_keys)
    args = (document, language, layout, paper, chain, clinic, personal)
    (spacing, figure_scale), *tighter = END_BALANCING
    first, fill, (spaces, figures), capacity = _draw_pages(*args, spacing, figure_scale, tagged)
    if first.pages == 1 or fill >= LAST_PAGE_MIN_FILL:
        return first.finish()
    # A booklet ends on its back cover, short by design, and notes pages fill the sheets: nothing to balance.
    need = fill * capacity
    for spacing, figure_scale in [] if layout.imposition == "booklet" else tighter:
        if need > 4 * (spaces * (1 - spacing) + figures * (1 - figure_scale)):
            continue   # tightening this much cannot pull the last page's text back: do not lay it out again
        measured = _measure_pages(*args, spacing, figure_scale)
        if measured.pages == 1 or measured.last_fill >= LAST_PAGE_MIN_FILL:
            return _draw_pages(*args, spacing, figure_scale, tagged)[0].finish()
    # nothing within bounds pulls the last page back a page: the first try is kept, and its last column ends
    # on a writing area (handouts.pdf.notes), which the fill measured here leaves out
    return first.finish()


# (space between blocks, figure width) factors, tried in this order until the last page is at least a third
# full: tighter spacing, then figures drawn 15 % smaller, end the leaflet a page earlier. Figure labels keep the
# level's floor in points whatever the figure's size (FigureStyle.label_floor). Looser spacing was tried too
# and left out: it pushes figures to the next column and opens holes on the first pages, which is worse than a
# short last page.
END_BALANCING = ((1.0, 1.0), (0.85, 1.0), (0.7, 1.0), (0.7, 0.85))
LAST_PAGE_MIN_FILL = 1 / 3


def _draw_pages(document: model.Document, language: Language, layout: Layout, paper: str, chain, clinic,
                personal, spacing: float, figure_scale: float, tagged: bool
                ) -> tuple[_Pending, float, tuple[float, float], float]:
    """The pages at one spacing and figure scale, laid out and drawn (written by the result's finish()), with
    the last page's fill, what tightening could save (the body's space between blocks, the figures' height) and
    a page's room (points; draw_leaflet uses the last two to skip a tighter try that cannot remove the last
    page)."""
    level_style, cover, body, furniture, figure_height = _trial_flowables(
        document, language, layout, paper, chain, clinic, personal, spacing, figure_scale)
    buffer = io.BytesIO()
    tagger = Tagger() if tagged else None
    with stage("layout"):   # platypus lays out and draws in one pass; writing the file is timed inside it
        written = write_pdf(buffer, paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                            cover_flowables=cover, body_flowables=body,
                            metadata=metadata(document, language, clinic), lang=language.code,
                            base_font=chain.primary.name, tagger=tagger, defer=True,
                            published=document.topic.published)
    return (_Pending(buffer, written, tagger, chain.primary.name), written.last_fill,
            *_room(layout, paper, level_style, body, figure_height))


def _measure_pages(document: model.Document, language: Language, layout: Layout, paper: str, chain, clinic,
                   personal, spacing: float, figure_scale: float) -> Written:
    """The page count and last page's fill _draw_pages would give, from a layout that draws nothing
    (pdfdoc.measure_pages): a trial spacing, drawn only if draw_leaflet keeps it."""
    level_style, cover, body, furniture, _ = _trial_flowables(document, language, layout, paper, chain, clinic,
                                                              personal, spacing, figure_scale)
    with stage("layout"):
        measured = measure_pages(paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                                 cover_flowables=cover, body_flowables=body, lang=language.code,
                                 base_font=chain.primary.name)
    return measured


def _trial_flowables(document: model.Document, language: Language, layout: Layout, paper: str, chain, clinic,
                     personal, spacing: float, figure_scale: float) -> tuple:
    """_flowables at one try, and the total height of its figures."""
    figure_heights = [0.0]
    with stage("flowables"):
        parts = _flowables(document, language, layout, paper, chain, clinic, personal, spacing, figure_scale,
                           figure_heights)
    return (*parts, figure_heights[0])


def _room(layout: Layout, paper: str, level_style, body: list, figure_height: float
          ) -> tuple[tuple[float, float], float]:
    """What tightening could save (the body's space between blocks, the figures' height) and a page's room for
    text (points), after the body was laid out."""
    m = layout.margins
    height = layout.page_size(paper)[1]
    capacity = (height - m["top"] - layout.header_height - m["bottom"] - layout.footer_height) * level_style.columns
    return (_spacing(body), figure_height), capacity


def _flowables(document: model.Document, language: Language, layout: Layout, paper: str, chain, clinic,
               personal, spacing: float, figure_scale: float = 1.0, figure_heights: list[float] | None = None
               ) -> tuple:
    """The level's style, the cover's and the body's flowables and the page furniture of one spacing, figures
    drawn at `figure_scale` of their width (their heights are added to `figure_heights[0]`)."""
    from handouts.pdf.contact import clinic_strip, contact_block, personal_cover, questions_area
    styles = build_styles(layout, document.level, language, chain, spacing)
    level_style = layout.level(document.level)
    width, height = layout.page_size(paper)
    geometry = PageGeometry(width, height, level_style.columns, layout)
    style = figure_style(chain, language.rtl, figure_palette(layout), level_style.label_floor)

    def draw(fig_id: str, fig_width: float):
        labels = tuple(sorted(document.figures[fig_id].labels.items()))
        drawn = drawing(fig_id, labels, style, round(fig_width * figure_scale, 3))
        if figure_heights is not None:
            figure_heights[0] += drawn.height
        return drawn

    ctx = RenderContext(document, language, layout, styles, chain, geometry.column_width(), draw)

    full_width = geometry.usable_width()
    wide = RenderContext(document, language, layout, styles, chain, full_width, draw)
    cover: list[Flowable] = clinic_strip(wide, clinic, full_width)
    plan: list[Flowable] = []
    if personal is not None:
        date_text = local_date(personal.when(), language)
        prepared_for, *plan = personal_cover(wide, personal, full_width, date_text)
        cover += [prepared_for, *plan]
    summary = document.summary_box()
    if layout.cover_summary and summary is not None:
        cover.append(box_flowable(summary, wide, full_width, document.topic.section_with("intro"), title_level=2))
    body: list[Flowable] = []
    space = cover_space(layout, paper)
    if plan and stack_height(cover, full_width, space) > space:
        # A long note: its "Your plan" box opens the body in column width, where it can break across pages.
        cover = [f for f in cover if f not in plan]
        body.extend(personal_cover(ctx, personal, ctx.frame_width, date_text)[1:])
    from handouts.pdf.exercises import exercises_part

    body.extend(exercises_part(ctx, personal, ctx.frame_width, style))  # after the plan's note
    for section in document.sections:   # every section, in the topic's order
        body.extend(section_flowables(section, ctx, skip_summary=bool(cover)))
    booklet = layout.imposition == "booklet"
    if booklet:
        # A booklet's back cover: whom to contact (with the QR code of the clinic's website), who wrote it and
        # when, on the last page the reader holds; imposition puts the notes pages before it.
        body.extend(questions_area(ctx, personal, ctx.frame_width))
        body.append(PageBreakIfNotEmpty())
    body.extend(contact_block(ctx, clinic, ctx.frame_width))
    body.extend(_about_block(document, language, ctx, clinic))
    if not booklet:   # a leaflet ends on the rest of its last column to write in: "My questions" or "Notes"
        body.append(closing_area(ctx, personal, ctx.frame_width))

    return level_style, cover, body, _furniture(document, language, ctx, clinic)


def _spacing(flowables: list) -> float:
    """The space between blocks, inside boxes and kept-together groups too: what a tighter spacing can save."""
    total = 0.0
    for flowable in flowables:
        if not isinstance(flowable, Flowable):
            continue
        total += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        total += _spacing(getattr(flowable, "_content", None) or [])
        for row in getattr(flowable, "_cellvalues", None) or []:
            for cell in row:
                total += _spacing(cell if isinstance(cell, (list, tuple)) else [cell])
    return total


def _furniture(document: model.Document, language: Language, ctx: RenderContext, clinic: Clinic | None
               ) -> Furniture:
    topic = document.topic
    chain = ctx.chain

    def t(text: str) -> str:
        return text_markup(text, chain, where=str(document.path))

    footer = footer_line(document, language)
    page_labels: dict[tuple[int, int], str] = {}

    def page_label(page: int, pages: int) -> str:
        if (page, pages) not in page_labels:
            page_labels[(page, pages)] = t(language.s("page", page=page, pages=pages))
        return page_labels[(page, pages)]

    return Furniture(
        title=t(document.title),
        subtitle=t(document.subtitle),
        header_left=t(document.title),
        header_right=t(isolate(publisher(topic, clinic)) if language.rtl else publisher(topic, clinic)),
        footer_left=t(footer),
        footer_status=t(status_text(document, language)),
        page_label=page_label,
        rtl=language.rtl,
        styles=ctx.styles,
        pages_per_sheet=4 if ctx.layout.imposition == "booklet" else 1,
    )


def _about_block(document: model.Document, language: Language, ctx: RenderContext, clinic: Clinic | None
                 ) -> list[Flowable]:
    """Trust mark at the end: who produced and wrote it, and who reviewed it (or that no clinician has yet).
    Version, dates and the status are in every page's footer, so they are not repeated here."""
    s = ctx.styles
    lines = [text_markup(line, ctx.chain, where=str(document.path))
             for line in review_trail(document, language, clinic)]
    return [Spacer(1, s.body.fontSize)] + [Paragraph(line, s.small) for line in lines]
