"""One document, one page layout, one paper → the pages as reportlab writes them.

Assembles the pieces for a single PDF: the font chain of the language, the styles of the reading level, the
flowables of every section in the layout's order, the furniture (header, footer, cover), then hands them to the
PDF writer (pdfdoc). Post-processing is the next step (handouts.writers). Pure apart from font loading.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property

from reportlab.platypus import Flowable, Spacer
from reportlab.platypus.flowables import PageBreakIfNotEmpty


from handouts.content import model
from handouts.config.clinic import Clinic
from handouts.config.personal import PersonalCopy
from handouts.pdf.flowables import RenderContext, box_flowable, section_flowables
from handouts.document import check_figures, footer_line, local_date, metadata, publisher, review_trail, status_text
from handouts.pdf.drawings import figure, figure_palette, figure_style
from handouts.text.fonts import FontLibrary, font_chain
from handouts.content.languages import Language
from handouts.config.layouts import Layout
from handouts.text.bidi import isolate
from handouts.text.markup import text_markup
from handouts.pdf.paragraph import Paragraph, begin_document  # reportlab's, plus shaped and right-to-left lines
from handouts.pdf.notes import closing_area
from handouts.pdf.pdfdoc import Furniture, Measured, PageGeometry, cover_space, measure_pages, stack_height
from handouts.pdf.styles import build_styles
from handouts.pdf.tagging import Tagger
from handouts.timing import stage


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
    leaves the last page at least a third full where one within END_BALANCING does, else the first that gives
    the fewest pages (a page less is worth a short last page). `tagged`: record marked
    content for a tagged PDF (every writer tags; a booklet's imposition carries the structure onto its sheets).

    Each try is only laid out (_measure_pages: platypus places every flowable, nothing is drawn), and the layout
    kept is then drawn where it was placed (_draw_measured): one drawn pass per leaflet however many tries it
    takes. The spacing chosen, and the file, are the same as drawing every try would give."""
    from handouts import figures as figures_pkg
    begin_document()   # the paragraphs the last few documents used stay shared (handouts.pdf.paragraph)
    chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), language.code)
    check_figures(document, figures_pkg.FIGURE_IDS, figures_pkg.label_keys)
    args = (document, language, layout, paper, chain, clinic, personal)
    (spacing, figure_scale), *tighter = END_BALANCING
    first, room, capacity = _measure_pages(*args, spacing, figure_scale)
    kept = first
    # A booklet ends on its back cover, short by design, and notes pages fill the sheets: nothing to balance.
    if not _balanced(first) and layout.imposition != "booklet":
        need = first.last_fill * capacity
        spaces, figures = room.spaces, room.figures
        for spacing, figure_scale in tighter:
            if need > 4 * (spaces * (1 - spacing) + figures * (1 - figure_scale)):
                continue   # tightening this much cannot pull the last page's text back: do not lay it out
            measured, _, _ = _measure_pages(*args, spacing, figure_scale)
            if _balanced(measured):
                kept = measured
                break
            if measured.pages < kept.pages:
                # short, but a page shorter: better than the first try (one line less in the small print had made
                # the English easy Letter leaflet 11 pages, where 10 fit with a last page 0.33 full)
                kept = measured
        # else no try fills the last page a third: the first with the fewest pages is kept, and its last column
        # ends on a writing area (handouts.pdf.notes), which the fill measured here leaves out
    return _draw_measured(kept, document, language, chain, clinic, tagged)


def _balanced(measured: Measured) -> bool:
    return measured.pages == 1 or measured.last_fill >= LAST_PAGE_MIN_FILL


# (space between blocks, figure width) factors, tried in this order until the last page is at least a third
# full: tighter spacing, then figures drawn 15 % smaller, end the leaflet a page earlier. Figure labels keep the
# level's floor in points whatever the figure's size (FigureStyle.label_floor). Looser spacing was tried too
# and left out: it pushes figures to the next column and opens holes on the first pages, which is worse than a
# short last page.
END_BALANCING = ((1.0, 1.0), (0.85, 1.0), (0.7, 1.0), (0.7, 0.85))
LAST_PAGE_MIN_FILL = 1 / 3


@dataclass(eq=False)
class Tightening:
    """What tightening one try could save, in points: the body's space between blocks and the figures' height.
    Only the first try's is read (draw_leaflet), and only when its last page is short, so the space between
    blocks, a walk over every flowable, is added up when first asked, not in every try."""

    body: list
    figures: float

    @cached_property
    def spaces(self) -> float:
        return _spacing(self.body)


def _measure_pages(document: model.Document, language: Language, layout: Layout, paper: str, chain, clinic,
                   personal, spacing: float, figure_scale: float) -> tuple[Measured, Tightening, float]:
    """The pages at one spacing and figure scale, laid out without drawing (pdfdoc.measure_pages: the page
    count, the last page's fill, where everything goes), with what tightening could save (the body's space
    between blocks, the figures' height) and a page's room (points; draw_leaflet uses the last two to skip a
    tighter try that cannot remove the last page)."""
    figure_heights = [0.0]
    with stage("flowables"):
        level_style, cover, body, furniture = _flowables(document, language, layout, paper, chain, clinic,
                                                         personal, spacing, figure_scale, figure_heights)
    with stage("layout"):
        measured = measure_pages(paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                                 cover_flowables=cover, body_flowables=body, lang=language.code,
                                 base_font=chain.primary.name)
    m = layout.margins
    height = layout.page_size(paper)[1]
    capacity = (height - m["top"] - layout.header_height - m["bottom"] - layout.footer_height) * level_style.columns
    return measured, Tightening(body, figure_heights[0]), capacity


def _draw_measured(measured: Measured, document: model.Document, language: Language, chain, clinic,
                   tagged: bool) -> DrawnPDF:
    """The pages of a measured layout, drawn where it placed them (write_pdf's pages, not laid out again), and
    written."""
    buffer = io.BytesIO()
    tagger = Tagger() if tagged else None
    with stage("layout"):   # drawing the pages
        written = measured.draw(buffer, metadata=metadata(document, language, clinic), tagger=tagger,
                                published=document.topic.published)
    with stage("write"):
        written.finish()
    return DrawnPDF(buffer.getvalue(), written.pages, tagger, chain.primary.name)


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
        drawn = figure(fig_id, labels, style, round(fig_width * figure_scale, 3))
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
    by = publisher(topic, clinic, language.code)
    page_labels: dict[tuple[int, int], str] = {}

    def page_label(page: int, pages: int) -> str:
        if (page, pages) not in page_labels:
            page_labels[(page, pages)] = t(language.s("page", page=page, pages=pages))
        return page_labels[(page, pages)]

    return Furniture(
        title=t(document.title),
        subtitle=t(document.subtitle),
        header_left=t(document.title),
        header_right=t(isolate(by) if language.rtl else by),
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
