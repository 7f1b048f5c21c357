"""One document, one layout, one paper → PDF bytes.

Assembles the pieces for a single PDF: the font chain of the language, the styles of the reading level, the
flowables of every section in the layout's order, the furniture (header, footer, cover), then hands them to the
PDF writer and the post-processor. Pure apart from font loading: no files are written here.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from reportlab.platypus import Flowable, Spacer

from handouts import __version__, model
from handouts.clinic import Clinic
from handouts.personal import PersonalCopy
from handouts.flowables import RenderContext, box_flowable, check_figures, section_flowables
from handouts.fonts import FontLibrary, font_chain
from handouts.languages import Language
from handouts.layouts import Layout
from handouts.markup import text_markup
from handouts.paragraph import Paragraph  # reportlab's, plus shaped and right-to-left line layout
from handouts.pdfdoc import Furniture, PageGeometry, cover_space, stack_height, write_pdf
from handouts.postprocess import finish_pdf
from handouts.styles import build_styles
from handouts.tagging import Tagger


@dataclass(frozen=True)
class RenderedPDF:
    data: bytes
    pages: int


def template_context(topic: model.Topic, language: Language, clinic: Clinic | None) -> dict[str, Any]:
    """The variables content templates may use (documented in content/README.md)."""
    clinic = clinic or Clinic()
    return {
        "clinic": clinic.as_template_values(),
        "topic": {
            "title": topic.titles.get(language.code, topic.titles.get("en", topic.id)),
            "version": topic.version,
            "published": local_date(topic.published, language),
            "review": local_date(topic.review, language),
        },
    }


def local_date(date: _dt.date, language: Language, style: str = "long") -> str:
    return format_date(date, format=style, locale=language.locale)


def render_pdf(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
               clinic: Clinic | None = None, personal: PersonalCopy | None = None) -> RenderedPDF:
    from handouts.branding import branded_layout

    layout = branded_layout(layout, clinic)  # the clinic's accent colour, for every kind of layout
    if layout.kind == "trifold":  # one folded sheet of fixed panels: handouts/trifold.py
        from handouts.trifold import render_trifold

        return render_trifold(document, language, layout, paper, fonts, clinic, personal)
    from handouts import figures as figures_pkg
    from handouts.contact import clinic_strip, contact_block, personal_cover, questions_area

    chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), language.code)
    styles = build_styles(layout, document.level, language, chain)
    level_style = layout.level(document.level)
    width, height = layout.page_size(paper)
    geometry = PageGeometry(width, height, level_style.columns, layout)
    check_figures(document, figures_pkg.FIGURE_IDS, figures_pkg.label_keys)
    figure_style = figures_pkg.FigureStyle(font=chain.primary.name, bold_font=chain.primary.face("bold").name,
                                           palette=figure_palette(layout), rtl=language.rtl)

    def draw(fig_id: str, fig_width: float):
        labels = tuple(sorted(document.figures[fig_id].labels.items()))
        return _drawing(fig_id, labels, figure_style, round(fig_width, 3))

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
        cover.append(box_flowable(summary, wide, full_width, "what-is-it"))
    body: list[Flowable] = []
    space = cover_space(layout, paper)
    if plan and stack_height(cover, full_width, space) > space:
        # A long note: its "Your plan" box opens the body in column width, where it can break across pages.
        cover = [f for f in cover if f not in plan]
        body.extend(personal_cover(ctx, personal, ctx.frame_width, date_text)[1:])
    for section_id in layout.sections:
        section = document.section(section_id)
        if section is not None:
            body.extend(section_flowables(section, ctx, skip_summary=bool(cover)))
    body.extend(questions_area(ctx, personal, ctx.frame_width))
    body.extend(contact_block(ctx, clinic, ctx.frame_width))
    body.extend(_about_block(document, language, ctx))

    furniture = _furniture(document, language, ctx, clinic)
    buffer = io.BytesIO()
    # Tagged PDF (handouts.tagging), except booklets: imposing pages onto sheets drops the structure, and a
    # booklet is for printing; the same leaflet layout without imposition is the accessible one.
    tagger = Tagger() if layout.imposition != "booklet" else None
    pages = write_pdf(buffer, paper=paper, layout=layout, columns=level_style.columns, furniture=furniture,
                      cover_flowables=cover, body_flowables=body, metadata=_metadata(document, language, clinic),
                      lang=language.code, base_font=chain.primary.name, tagger=tagger)
    data = finish_pdf(buffer.getvalue(), published=document.topic.published, tagger=tagger, bleed=layout.bleed)
    if layout.imposition == "booklet":
        data, pages = _impose(data, pages, layout, paper, language, chain.primary.name)
    return RenderedPDF(data, pages)


def _impose(data: bytes, pages: int, layout: Layout, paper: str, language: Language, font: str
            ) -> tuple[bytes, int]:
    """Booklet: pad with notes pages to a multiple of four and impose two-up for saddle stitching."""
    from functools import partial

    from handouts.imposition import impose_booklet, notes_pages, padded_count

    # The notes heading is drawn with the canvas directly, which neither shapes nor reorders text: scripts
    # that need either get ruled lines without a heading rather than a wrongly drawn one.
    plain = not language.rtl and not language.extra.get("shaping") and language.line_breaking == "words"
    notes = partial(notes_pages, title=language.s("notes") if plain else "", font_name=font)
    return impose_booklet(data, layout.sheet_size(paper), notes_page=notes), padded_count(pages) // 2


def figure_palette(layout: Layout):
    """The figures' palette: gray when the build prints in grayscale, like the rest of the page."""
    from handouts.figures import DEFAULT_PALETTE

    return DEFAULT_PALETTE.grayscale() if layout.grayscale else DEFAULT_PALETTE


@lru_cache(maxsize=24)
def _drawing(fig_id: str, labels: tuple[tuple[str, str], ...], style: Any, width: float):
    """Figures repeat across copies, layouts and levels of one language: draw each once per process. Kept small:
    a shaped label set is large, and memory must stay flat however many documents one process builds."""
    from handouts import figures as figures_pkg

    return figures_pkg.draw_figure(fig_id, dict(labels), style, width)


def _metadata(document: model.Document, language: Language, clinic: Clinic | None) -> dict[str, str]:
    topic = document.topic
    title = document.title + (f": {document.subtitle}" if document.subtitle else "")
    return {
        "title": title,
        "author": (clinic.name if clinic and clinic.name else topic.publisher) or "handouts",
        "subject": f"{document.subtitle or document.title} ({document.level})",
        "keywords": ", ".join(topic.keywords.get(language.code) or topic.keywords.get("en") or []),
        "creator": f"handouts {__version__}",
        "producer": f"handouts {__version__} with ReportLab",
    }


def _status_text(document: model.Document, language: Language) -> str:
    return language.s("status_draft") if document.status == "draft" else language.s("status_reviewed")


def _furniture(document: model.Document, language: Language, ctx: RenderContext, clinic: Clinic | None
               ) -> Furniture:
    topic = document.topic
    chain = ctx.chain

    def t(text: str) -> str:
        return text_markup(text, chain, where=str(document.path))

    footer = " · ".join([language.s("version", version=topic.version),
                         language.s("published", date=local_date(topic.published, language, "medium")),
                         language.s("review", date=local_date(topic.review, language, "medium"))])
    page_labels: dict[tuple[int, int], str] = {}

    def page_label(page: int, pages: int) -> str:
        if (page, pages) not in page_labels:
            page_labels[(page, pages)] = t(language.s("page", page=page, pages=pages))
        return page_labels[(page, pages)]

    return Furniture(
        title=t(document.title),
        subtitle=t(document.subtitle),
        header_left=t(document.title),
        header_right=t(clinic.name if clinic and clinic.name else (topic.publisher or "")),
        footer_left=t(footer),
        footer_status=t(_status_text(document, language)),
        page_label=page_label,
        rtl=language.rtl,
        styles=ctx.styles,
    )


def _about_block(document: model.Document, language: Language, ctx: RenderContext) -> list[Flowable]:
    """Trust mark at the end: who produced it. Version, dates and review status are in every page's footer,
    so they are not repeated here."""
    publisher = document.topic.publisher
    if not publisher:
        return []
    s = ctx.styles
    line = text_markup(language.s("produced_by", publisher=publisher), ctx.chain, where=str(document.path))
    return [Spacer(1, s.body.fontSize), Paragraph(line, s.small)]
