"""The tri-fold writer (`kind: trifold`): one landscape sheet, two sides, three panels a side, folded in three.

A letter-fold (C-fold) sheet, outside face, from the left: the flap that tucks in, the back panel, the front cover.
The inside face holds three panels behind them, so when the sheet is folded the reader sees only the cover and the
back panel: that is where the layout puts the title, the red flags and how to get in touch. Right-to-left
languages mirror the panel order on both sides, so the leaflet opens the other way.

Panels have a fixed size, so the layout names which sections (and which of their blocks) each panel holds. Each
panel is measured before it is drawn; content that does not fit is an OverflowError_ that names the panel and by
how much it overflows. Text is never shrunk below the level's size and never cut.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, FrameBreak, NextPageTemplate, PageTemplate,
                                Spacer, Table, TableStyle)

from handouts.content import model

from handouts.pdf import tagging
from handouts.pdf.frames import Frame   # reportlab's, cheap to copy
from handouts.config.clinic import Clinic
from handouts.errors import OverflowError_
from handouts.pdf.flowables import FigureFlowable, RenderContext, SectionHeading, block_flowables, box_flowable
from handouts.document import check_figures
from handouts.text.fonts import FontLibrary, font_chain
from handouts.content.languages import Language
from handouts.config.layouts import Layout, Panel, SectionPick
from handouts.text.markup import text_markup
from handouts.config.personal import PersonalCopy
from handouts.pdf.paragraph import Paragraph  # reportlab's, plus shaped and right-to-left line layout
from handouts.pdf.pdfdoc import LeafletDocTemplate
from handouts.pdf.render import DrawnPDF
from handouts.document import footer_line, local_date, metadata, review_trail, status_text
from handouts.pdf.drawings import figure, figure_palette, figure_style
from handouts.pdf.styles import Styles, build_styles, palette

# The flap that tucks inside is made this much narrower than the other panels, so that it folds in without
# buckling against the fold of the back panel (the usual letter-fold allowance).
TUCK_ALLOWANCE = 1.5 * mm
FOLD_MARK_GREY = colors.Color(0.62, 0.62, 0.62)
COVER_PICTURE_WIDTH = 0.9    # share of the cover panel's width the cover picture may take
COVER_PICTURE_MIN = 28 * mm  # a smaller cover picture would look like a stamp: leave it off
_MEASURE_HEIGHT = 20000.0   # a frame taller than any panel content, to measure content height
_FUZZ = 0.5                 # points; rounding slack when comparing measured content with a panel


@dataclass(frozen=True)
class PanelBox:
    """Where one panel sits on its side of the sheet, and the frame its content is set in."""

    panel: Panel
    x: float          # left edge of the panel on the sheet
    width: float
    frame: tuple[float, float, float, float]   # x, y, width, height

    @property
    def frame_id(self) -> str:
        return f"panel-{self.panel.id}"


def panel_widths(sheet_width: float) -> tuple[float, float]:
    """(full, tucked): three panels across the sheet, the tucked-in flap narrower by the allowance."""
    full = (sheet_width + TUCK_ALLOWANCE) / 3
    return full, full - TUCK_ALLOWANCE


def _is_tucked(side: str, slot: int) -> bool:
    # The flap is outside slot 0; on the inside, the same piece of paper is the last slot.
    return (side, slot) in (("outside", 0), ("inside", 2))


def panel_boxes(layout: Layout, paper: str, side: str, rtl: bool) -> list[PanelBox]:
    """The panels of one side in reading order (slot 0, 1, 2), placed left to right, or mirrored for RTL."""
    sheet_w, sheet_h = layout.page_size(paper)
    full, tucked = panel_widths(sheet_w)
    m = layout.margins
    panels = sorted((p for p in layout.panels if p.side == side), key=lambda p: p.slot)
    # Physical order on the sheet, left to right.
    physical = sorted(panels, key=lambda p: (2 - p.slot) if rtl else p.slot)
    boxes: dict[str, PanelBox] = {}
    x = 0.0
    for position, panel in enumerate(physical):
        width = tucked if _is_tucked(panel.side, panel.slot) else full
        left_pad = m["outside"] if position == 0 else m["inside"]
        right_pad = m["outside"] if position == 2 else m["inside"]
        frame = (x + left_pad, m["bottom"], width - left_pad - right_pad, sheet_h - m["top"] - m["bottom"])
        boxes[panel.id] = PanelBox(panel, x, width, frame)
        x += width
    return [boxes[p.id] for p in panels]


def fold_positions(layout: Layout, paper: str, side: str, rtl: bool) -> list[float]:
    """x of the two folds on one side of the sheet."""
    boxes = sorted(panel_boxes(layout, paper, side, rtl), key=lambda b: b.x)
    return [b.x for b in boxes[1:]]


# ---------------------------------------------------------------------------------------------------------------
# What goes in a panel


def block_wanted(block: model.Block, kinds: tuple[str, ...]) -> bool:
    """Does a layout's `blocks:` filter keep this block? Level-3 headings travel with the paragraphs."""
    if "all" in kinds:
        return True
    if isinstance(block, model.Box):
        return block.kind in kinds
    if isinstance(block, model.ListBlock):
        return ("checklist" if block.checklist else "lists") in kinds
    if isinstance(block, model.Figure):
        return "figures" in kinds
    if isinstance(block, model.PictureRow):
        return "pictures" in kinds
    return "paragraphs" in kinds


class PanelEnd(Flowable):
    """A zero-size marker after a panel's content: it records which frame the content ended in, so that content
    spilling into the next panel is caught even if measuring missed it. Frames hand a flowable with a
    `frameAction` the current frame without asking whether it fits, which is what a marker needs."""

    def __init__(self, panel_id: str, seen: dict[str, str]) -> None:
        super().__init__()
        self.panel_id, self.seen = panel_id, seen
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def frameAction(self, frame: Frame) -> None:
        self.seen[self.panel_id] = frame.id

    def draw(self) -> None:
        pass


@dataclass
class _PanelContent:
    top: list[Flowable]      # from the top of the panel down
    bottom: list[Flowable]   # pushed to the foot of the panel (the clinic's mark, the small print)


class _Builder:
    """Makes the flowables of each panel for one document."""

    def __init__(self, document: model.Document, language: Language, layout: Layout, styles: Styles, chain: Any,
                 draw: Callable, clinic: Clinic | None, personal: PersonalCopy | None = None) -> None:
        self.document, self.language, self.layout = document, language, layout
        self.styles, self.chain, self.draw, self.clinic, self.personal = styles, chain, draw, clinic, personal
        self.has_cover = any("cover" in p.content for p in layout.panels)
        self.cover_picture: tuple[str, float] | None = None   # (figure id, width), see fit_cover_picture
        self.shown = self.shown_figures()

    def shown_figures(self) -> set[str]:
        """Every figure some panel shows: words that point to any other (`{needs=ID}`) are left out."""
        shown = set()
        for panel in self.layout.panels:
            for pick in panel.sections:
                section = self.document.section_with(pick.role)
                blocks = [b for b in section.blocks if block_wanted(b, pick.blocks)] if section else []
                shown.update(b.figure_id for b in model.walk(blocks) if isinstance(b, (model.Figure, model.PictureRow)))
        return shown

    def ctx(self, width: float) -> RenderContext:
        return RenderContext(self.document, self.language, self.layout, self.styles, self.chain, width, self.draw)

    def markup(self, text: str, where: str = "") -> str:
        """`where`: the input the text came from, when it is not the document (a clinic profile field)."""
        return text_markup(text, self.chain, where=where or str(self.document.path))

    def panel(self, panel: Panel, width: float) -> _PanelContent:
        """Cover first, then the sections in the layout's order; whom to call, the clinic's mark and the small
        print sit at the foot of their panel."""
        content = _PanelContent([], [])
        if "cover" in panel.content:
            content.top += self.cover(width)
            if self.personal is not None:
                from handouts.pdf.contact import personal_cover

                content.top += personal_cover(self.ctx(width), self.personal, width,
                                              local_date(self.personal.when(), self.language))
        for pick in panel.sections:
            content.top += self.section(pick, width)
        if "contact" in panel.content:
            content.bottom += self.contact(width)
        if "cover" in panel.content:
            content.bottom += self.clinic_mark(width)
        if "about" in panel.content:
            content.bottom += self.about()
        return content

    def fit_cover_picture(self, box: PanelBox) -> None:
        """Give the cover the topic's first picture, as large as the room the cover's words leave (up to most of
        the panel's width). The picture is decoration there: if the words leave less than COVER_PICTURE_MIN, the
        cover goes without it and the picture stays inside with its section."""
        self.cover_picture = None
        figure_id = self.cover_figure()
        if figure_id is None or "cover" not in box.panel.content:
            return
        sample = self.draw(figure_id, 100.0)
        aspect = sample.height / sample.width
        room = _fill(self, box).spare
        width = box.frame[2] * COVER_PICTURE_WIDTH
        slack = 1 * mm
        for _ in range(4):   # the picture's height follows its width; settle on the largest that fits
            height = min(room - self.styles.body.fontSize * 0.8 - slack, width * aspect)
            if height < COVER_PICTURE_MIN:
                self.cover_picture = None
                return
            width = height / aspect
            self.cover_picture = (figure_id, width)
            spare = _fill(self, box).spare
            if spare >= 0:
                return
            room += spare - slack   # spacing around the picture took more than expected: make it smaller
        self.cover_picture = None

    def cover(self, width: float) -> list[Flowable]:
        s, c = self.styles, palette(self.layout)
        pad = 5 * mm
        cells: list[list[Any]] = [[Paragraph(self.markup(self.document.title), s.cover_title, tag_role="H1")]]
        if self.document.subtitle:
            cells.append([Paragraph(self.markup(self.document.subtitle), s.cover_subtitle)])
        band = Table(cells, colWidths=[width], hAlign="LEFT")
        band.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.chain.primary.name),
            ("BACKGROUND", (0, 0), (-1, -1), c["accent"]),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, 0), pad * 1.6), ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 1.4),
        ]))
        band.spaceAfter = s.body.fontSize * 0.8
        out: list[Flowable] = [band]
        if self.cover_picture is not None:
            figure_id, picture_width = self.cover_picture
            drawing = self.draw(figure_id, picture_width)
            out.append(FigureFlowable(figure_id, drawing, self.document.figures[figure_id].alt))
            out.append(Spacer(1, s.body.fontSize * 0.8))
        summary = self.document.summary_box()
        if summary is not None and self.layout.cover_summary:
            out.append(box_flowable(summary, self.ctx(width), width, self.document.topic.section_with("intro"),
                                    title_level=2))
        return out

    def about(self) -> list[Flowable]:
        """Small print at the foot of its panel: who made, wrote and reviewed it, version and dates, the status. A
        tri-fold has no page footer, so all of it is here."""
        document, language = self.document, self.language
        # One paragraph for the trail: a panel is narrow, and short lines would leave most of its width empty. The
        # status only for a draft translation: otherwise the trail already says reviewed by whom, or not yet.
        lines = [" · ".join(review_trail(document, language, self.clinic)), footer_line(document, language)]
        if document.status == "draft":
            lines.append(status_text(document, language))
        return [Spacer(1, self.styles.body.fontSize)] + [Paragraph(self.markup(line), self.styles.small)
                                                         for line in lines if line]

    def cover_figure(self) -> str | None:
        """The picture on the cover: the first figure of the intro section (where a back mouse is, for that
        topic)."""
        section = self.document.section_with("intro")
        for block in section.blocks if section else ():
            if isinstance(block, (model.Figure, model.PictureRow)):
                return block.figure_id
        return None

    def clinic_mark(self, width: float) -> list[Flowable]:
        """The clinic at the foot of the cover, when the leaflet is branded: its logo, then its name, phone and
        website beside a QR code for the website. Made for the narrow panel (the leaflet's own clinic strip
        puts the logo beside the name, which leaves the name no room here)."""
        from handouts.pdf.contact import contact_table, logo_flowable, qr_drawing

        clinic = self.clinic
        if clinic is None or not clinic.name:
            return []
        s = self.styles
        out: list[Flowable] = [Spacer(1, s.body.fontSize * 0.6)]
        if clinic.logo is not None:
            logo = logo_flowable(clinic.logo, width * 0.6, 14 * mm)
            logo.hAlign = "RIGHT" if self.language.rtl else "LEFT"
            out += [logo, Spacer(1, 2 * mm)]
        qr = 17 * mm if clinic.website else 0.0
        text_w = width - (qr + 3 * mm if qr else 0)
        lines: list[Flowable] = [Paragraph(self.markup(clinic.name, "clinic profile field 'name'"), s.box_title.clone(
            "tf_clinic_name", textColor=palette(self.layout)["accent"], spaceAfter=1))]
        small = s.small.clone("tf_clinic_small", textColor=palette(self.layout)["ink"])
        for field_name, value in (("phone", clinic.phone), ("website", clinic.website)):
            if value:
                lines.append(Paragraph(self.markup(value, f"clinic profile field '{field_name}'"), small))
        if not qr:
            return out + lines
        row: list[object] = [lines, qr_drawing(clinic.website, qr)]
        widths = [text_w, width - text_w]
        if self.language.rtl:
            row.reverse()
            widths.reverse()
        return out + [contact_table([row], widths, self.chain.primary.name)]

    def section(self, pick: SectionPick, width: float) -> list[Flowable]:
        section = self.document.section_with(pick.role)
        if section is None:
            return []
        ctx = self.ctx(width)
        blocks = [b for b in section.blocks if block_wanted(b, pick.blocks)]
        if "summary" not in pick.blocks and self.has_cover:
            # "all" would repeat the summary that the cover already shows
            blocks = [b for b in blocks if not (isinstance(b, model.Box) and b.kind == "summary")]
        if self.cover_picture is not None:   # the cover shows this picture; text beside a picture stays
            blocks = [b for b in blocks if not (isinstance(b, model.Figure) and b.figure_id == self.cover_picture[0])]
        if pick.role == "red-flags" and "contact" in self._contact_owner_content():
            blocks = [b for b in blocks if b not in self.contact_blocks()]
        blocks = model.without_items_needing(blocks, self.shown)
        if not blocks:
            return []
        heading = SectionHeading(self.markup(section.title), self.styles.h2, outline_title=section.title,
                                 outline_level=0, key=f"sec-{section.id}")
        out: list[Flowable] = [heading]
        for block, level in zip(blocks, model.box_title_levels(blocks)):
            out.extend(block_flowables(block, ctx, width, section.id, box_level=level))
        return out

    def _contact_owner_content(self) -> set[str]:
        return {c for p in self.layout.panels for c in p.content}

    def contact_blocks(self) -> list[model.Block]:
        """The content's own "get in touch" text: the paragraphs after the warning box of the red-flags section."""
        section = self.document.section_with("red-flags")
        if section is None:
            return []
        last_warning = max((i for i, b in enumerate(section.blocks)
                            if isinstance(b, model.Box) and b.kind == "warning"), default=None)
        if last_warning is None:
            return []
        return [b for b in section.blocks[last_warning + 1:] if isinstance(b, model.Paragraph)]

    def contact(self, width: float) -> list[Flowable]:
        """Whom to call: the content's own words ("Contact your doctor", or the clinic's name and phone number
        when there is a clinic), set bold so it stands out at the foot of its panel."""
        s = self.styles
        ctx = self.ctx(width)
        style = s.body.clone("tf_contact", fontName=self.chain.primary.face("bold").name, spaceAfter=0)
        out: list[Flowable] = [Spacer(1, s.body.fontSize * 0.5)]
        for block in self.contact_blocks():
            out.append(ctx.para(block.spans, style))
        return out if len(out) > 1 else []


# ---------------------------------------------------------------------------------------------------------------
# Measuring and drawing


class _MeasureDoc(BaseDocTemplate):
    """Lays a panel's flowables into one very tall frame and records how far down they reach."""

    lowest: float = _MEASURE_HEIGHT

    def afterFlowable(self, flowable: Flowable) -> None:
        self.lowest = min(self.lowest, self.frame._y)


def measure(flowables: list[Flowable], width: float) -> float:
    """Height the flowables take in a frame of this width, as a frame places them, counting the space after the
    last one (only the caller knows whether something follows it)."""
    if not flowables:
        return 0.0
    doc = _MeasureDoc(io.BytesIO(), pagesize=(width, _MEASURE_HEIGHT), leftMargin=0, rightMargin=0, topMargin=0,
                      bottomMargin=0, invariant=1)
    doc.addPageTemplates([PageTemplate("m", [Frame(0, 0, width, _MEASURE_HEIGHT, leftPadding=0, rightPadding=0,
                                                   topPadding=0, bottomPadding=0, id="m")])])
    doc.build(list(flowables))
    if doc.page > 1:
        return float("inf")
    return _MEASURE_HEIGHT - doc.lowest


def _trailing_space(flowables: list[Flowable]) -> float:
    """The space after the last flowable, which a frame need not find room for."""
    return flowables[-1].getSpaceAfter() if flowables else 0.0


def _overflow(layout: Layout, document: model.Document, paper: str, panel: Panel, excess: float) -> OverflowError_:
    amount = max(1, round(excess / mm))
    return OverflowError_(
        f"panel '{panel.id}' overflows by {amount} mm in {document.lang}/{document.level} on {paper}",
        path=layout.path, hint="choose fewer sections or blocks for it in 'panels'")


def _draw_fold_marks(canvas: Canvas, layout: Layout, folds: list[float], height: float) -> None:
    """Short dashed lines in the top and bottom margins where the sheet is folded."""
    top_gap = min(4 * mm, layout.margins["top"] * 0.35)
    bottom_gap = min(4 * mm, layout.margins["bottom"] * 0.35)
    length = max(2 * mm, min(4.5 * mm, min(layout.margins["top"], layout.margins["bottom"]) - 5 * mm))
    canvas.saveState()
    canvas.setStrokeColor(FOLD_MARK_GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash(2, 2)
    for x in folds:
        canvas.line(x, height - top_gap, x, height - top_gap - length)
        canvas.line(x, bottom_gap, x, bottom_gap + length)
    canvas.restoreState()


@dataclass(frozen=True)
class PanelFill:
    """How much of a panel its content takes, in points."""

    panel: Panel
    available: float
    used: float

    @property
    def spare(self) -> float:
        return self.available - self.used


def _prepare(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
             clinic: Clinic | None, personal: PersonalCopy | None, fit: tuple[float, float] = (1.0, 1.0)
             ) -> tuple[Layout, _Builder, dict[str, list[PanelBox]], Any]:
    from handouts import figures as figures_pkg

    chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), language.code)
    styles = build_styles(layout, document.level, language, chain, spacing=fit[0], leading=fit[1])
    check_figures(document, figures_pkg.FIGURE_IDS, figures_pkg.label_keys)
    style = figure_style(chain, language.rtl, figure_palette(layout),
                         layout.level(document.level).label_floor)

    def draw(fig_id: str, fig_width: float):   # built once per process (handouts.pdf.drawings)
        return figure(fig_id, tuple(sorted(document.figures[fig_id].labels.items())), style, fig_width)

    builder = _Builder(document, language, layout, styles, chain, draw, clinic, personal)
    sides = {side: panel_boxes(layout, paper, side, language.rtl) for side in ("outside", "inside")}
    for box in sides["outside"] + sides["inside"]:
        if "cover" in box.panel.content:
            builder.fit_cover_picture(box)
    return layout, builder, sides, chain


def _fill(builder: _Builder, box: PanelBox) -> PanelFill:
    frame_w, frame_h = box.frame[2], box.frame[3]
    probe = builder.panel(box.panel, frame_w)
    used_top = measure(probe.top, frame_w)
    used_bottom = measure(probe.bottom, frame_w)
    if probe.bottom:
        used_bottom -= _trailing_space(probe.bottom)
    else:
        used_top -= _trailing_space(probe.top)
    return PanelFill(box.panel, frame_h, used_top + used_bottom + _FUZZ)


def panel_fills(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
                clinic: Clinic | None = None, personal: PersonalCopy | None = None) -> list[PanelFill]:
    """How full each panel is, without drawing: for choosing the blocks of a panel and for reports."""
    _, builder, sides, _ = _prepare(document, language, layout, paper, fonts, clinic, personal)
    return [_fill(builder, box) for boxes in sides.values() for box in boxes]


# (space between blocks, line spacing) factors, tried in this order until every panel fits; line spacing never
# goes under styles.MIN_LEADING times the size. Most sheets fit at the first.
PANEL_FIT = ((1.0, 1.0), (0.8, 1.0), (0.7, 0.94))


def render_trifold(document: model.Document, language: Language, layout: Layout, paper: str, fonts: FontLibrary,
                   clinic: Clinic | None = None, personal: PersonalCopy | None = None) -> DrawnPDF:
    """One tri-fold PDF: page 1 is the outside of the sheet, page 2 the inside. A sheet with a panel a little
    too full (a clinic's name and phone in the red flags of a long language) is set again with tighter spacing
    and line spacing (PANEL_FIT) before it is an error naming the panel; the type size never shrinks."""
    source = layout
    for fit in PANEL_FIT:
        layout, builder, sides, chain = _prepare(document, language, source, paper, fonts, clinic, personal, fit)
        # Measure every panel first: a panel that is too full is an error naming it, before anything is drawn.
        fills = [(box, _fill(builder, box)) for boxes in sides.values() for box in boxes]
        over = next(((box, fill) for box, fill in fills if fill.spare < 0), None)
        if over is None:
            break
    else:
        box, fill = over
        raise _overflow(layout, document, paper, box.panel, -fill.spare)
    width, height = layout.page_size(paper)
    stories: dict[str, list[Flowable]] = {}
    for box, fill in fills:   # measuring lays flowables out, so draw fresh ones
        made = builder.panel(box.panel, box.frame[2])
        stories[box.panel.id] = made.top + ([Spacer(1, fill.spare)] if made.bottom else []) + made.bottom
    seen: dict[str, str] = {}
    story: list[Flowable] = [NextPageTemplate("inside")]
    templates = []
    for side, boxes in sides.items():
        frames = [Frame(*box.frame, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=box.frame_id)
                  for box in boxes]
        folds = fold_positions(layout, paper, side, language.rtl)

        def on_page(canvas: Canvas, doc: Any, folds: list[float] = folds) -> None:
            if layout.fold_marks:
                with tagging.artifact(canvas):   # fold marks are for the printer, not content
                    _draw_fold_marks(canvas, layout, folds, height)

        templates.append(PageTemplate(side, frames, onPage=on_page))
        for box in boxes:
            # Tagged PDF: panels are read in the layout's order (cover first), not the sheet's.
            story.append(tagging.ReadingRank([p.id for p in layout.panels].index(box.panel.id)))
            story += stories[box.panel.id]
            story += [PanelEnd(box.panel.id, seen), FrameBreak()]
    story.pop()  # no break after the last panel of the inside

    info = metadata(document, language, clinic)
    buffer = io.BytesIO()
    doc = LeafletDocTemplate(
        buffer, pagesize=(width, height), leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
        title=info["title"], author=info["author"], subject=info["subject"],
        keywords=info["keywords"], creator=info["creator"], producer=info["producer"],
        lang=language.code, invariant=1, pageCompression=1, displayDocTitle=1, initialFontName=chain.primary.name,
        published=document.topic.published, bleed=layout.bleed)
    doc.addPageTemplates(templates)
    doc.tagger = tagger = tagging.Tagger()   # tagged PDF: marked content recorded while drawing
    doc.build(story)
    for boxes in sides.values():
        for box in boxes:
            if seen.get(box.panel.id) != box.frame_id:   # spilled into the next panel after all
                raise _overflow(layout, document, paper, box.panel, _FUZZ)
    if doc.page != 2:
        raise OverflowError_(f"the tri-fold came out on {doc.page} pages instead of 2 in "
                             f"{document.lang}/{document.level}", path=layout.path,
                             hint="choose fewer blocks for the panels")
    return DrawnPDF(buffer.getvalue(), doc.page, tagger, chain.primary.name)
