"""Model blocks → reportlab flowables.

One function per block type, all sharing a RenderContext that carries the styles, fonts and figure labels of the
document. Boxes are single-column tables with one row per block so that a long box can still split across
columns and pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, ListItem, Spacer,
                                Table, TableStyle)

from handouts.content import model

from handouts.pdf import tagging
from handouts.pdf.drawings import FigureForm
from handouts.text.fonts import FontChain
from handouts.content.languages import Language
from handouts.config.layouts import Layout
from handouts.text.markup import spans_markup, text_markup
from handouts.pdf.paragraph import Paragraph  # reportlab's, plus shaped and right-to-left line layout
from handouts.pdf.styles import Styles, palette


@dataclass
class RenderContext:
    document: model.Document
    language: Language
    layout: Layout
    styles: Styles
    chain: FontChain
    frame_width: float
    draw_figure: Callable[[str, float], FigureForm]

    def where(self, line: int | None = None) -> str:
        return f"{self.document.path}" + (f":{line}" if line else "")

    def para(self, spans: tuple[model.Span, ...], style, line: int | None = None) -> Paragraph:
        link = self.layout.colours["accent"]
        return Paragraph(spans_markup(spans, self.chain, link_colour=link, where=self.where(line)), style)

    def text(self, text: str, style, tag_role: str = "P") -> Paragraph:
        return Paragraph(text_markup(text, self.chain, where=self.where()), style, tag_role=tag_role)


class SectionHeading(Paragraph):
    """A heading that also becomes a bookmark (outline entry) when it is drawn."""

    def __init__(self, text: str, style, *, outline_title: str, outline_level: int, key: str) -> None:
        super().__init__(text, style, tag_role="H2" if outline_level == 0 else "H3")  # tagged PDF heading level
        self.outline_title = outline_title
        self.outline_level = outline_level
        self.outline_key = key


class FigureFlowable(Flowable):
    """A vector figure drawn once per document as a form XObject and placed wherever it is used; its form content
    is drawn once per process (handouts.pdf.drawings.FigureForm) and replayed in every later document."""

    def __init__(self, figure_id: str, figure: FigureForm, alt: str) -> None:
        super().__init__()
        self.figure_id = figure_id
        self.figure = figure
        self.alt = alt
        self.width = figure.width
        self.height = figure.height
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:
        # Tagged PDF: a Figure element with the text alternative; the form (labels included) is drawn inside it.
        with tagging.leaf(canvas, "Figure", alt=self.alt):
            super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        from handouts.pdf.formcache import form_state

        canvas = self.canv
        name = f"Fig-{self.figure_id}-{int(round(self.width))}x{int(round(self.height))}"
        if not canvas.hasForm(name):
            state = form_state(canvas)
            font_name = canvas._fontname   # renderPDF would select Helvetica, not embedded: the document's font
            canvas.beginForm(name, 0, 0, self.width, self.height)
            self.figure.draw_form_content(canvas, state, font_name)
            canvas.endForm()
            _keep_form_transparency(canvas, name)
        canvas.doForm(name)


def _keep_form_transparency(canvas, name: str) -> None:
    """Work around reportlab 5.1: a form XObject records its transparency states (ExtGState) but never writes
    them into its resources, so viewers cannot resolve the '/gRLs0 gs' operators inside it. Build the resources
    the way reportlab would and add the states."""
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary, xObjectName

    form = canvas._doc.idToObject.get(xObjectName(name))
    if form is None or not getattr(form, "ExtGState", None) or form.Resources:
        return
    resources = PDFResourceDictionary()
    resources.basicFonts()
    resources.basicProcs()
    if form.XObjects:
        resources.XObject = form.XObjects
    resources.ExtGState = form.ExtGState
    form.Resources = resources


def section_flowables(section: model.Section, ctx: RenderContext, *, skip_summary: bool = False) -> list[Flowable]:
    heading = SectionHeading(text_markup(section.title, ctx.chain, where=ctx.where(section.line)), ctx.styles.h2,
                             outline_title=section.title, outline_level=0, key=f"sec-{section.id}")
    out: list[Flowable] = [CondPageBreak(ctx.styles.body.leading * 5), heading]
    for block, level in zip(section.blocks, model.box_title_levels(section.blocks)):
        if skip_summary and isinstance(block, model.Box) and block.kind == "summary":
            continue
        out.extend(block_flowables(block, ctx, ctx.frame_width, section.id, box_level=level))
    return out


TALL_BOX = 0.6   # of a column: a box this tall may split where it stands ...
HOLE = 0.5       # ... when moving it would leave at least this much of the column blank


class KeepInColumn(KeepTogether):
    """Keep together what fits in one column; what is taller than a column starts where it is and splits there.

    reportlab's KeepTogether moves content taller than the space left to the next frame even when it is taller
    than a whole frame and will split anyway: a long warning box then leaves most of a page empty before it (the
    large-print leaflets had a page holding two lines)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        column = frame._height - frame._topPadding - frame._bottomPadding if frame is not None else 0.0
        # Taller than a column: it splits anyway. Most of a column tall with most of this one still free:
        # moving it would leave a page holding a line or two (vi easy, Letter); split it between its items.
        if frame is not None and (self._H > column or (self._H > column * TALL_BOX and aH > column * HOLE)):
            first, rest = self._content[0], self._content[1:]
            parts = first.split(aW, aH)   # split where it stands (reportlab places the first part unsplit)
            if parts:
                return parts + rest
        return super().split(aW, aH)


def block_flowables(block: model.Block, ctx: RenderContext, width: float, section_id: str,
                    box_level: int = 3) -> list[Flowable]:
    """`box_level`: the heading level of a box's title here (model.box_title_levels)."""
    s = ctx.styles
    if isinstance(block, model.Paragraph):
        return [ctx.para(block.spans, s.body)]
    if isinstance(block, model.Heading):
        return [SectionHeading(spans_markup(block.spans, ctx.chain), s.h3, outline_title=block.text,
                               outline_level=1, key=f"sec-{section_id}-{abs(hash(block.text)) % 10**8}")]
    if isinstance(block, model.ListBlock):
        return [list_flowable(block, ctx, width, section_id)]
    if isinstance(block, model.Figure):
        return [figure_flowables(block.figure_id, block.caption, ctx, width * s.level.figure_width, block.line)]
    if isinstance(block, model.Box):
        box = box_flowable(block, ctx, width, section_id, title_level=box_level)
        # Red flags are read as one list: move the whole box to the next column rather than split it, unless
        # it is taller than a column anyway.
        return [KeepInColumn([box])] if block.kind == "warning" else [box]
    if isinstance(block, model.PictureRow):
        return [picture_row(block, ctx, width, section_id)]
    raise TypeError(f"unknown block {block!r}")


def list_flowable(block: model.ListBlock, ctx: RenderContext, width: float, section_id: str, *,
                  tag_key: object = None, first_number: int = 1) -> Flowable:
    """`tag_key`: lists made with the same key are one list (L) in the tagged PDF (a box's list, one row per item);
    `first_number` continues an ordered list that was cut into rows."""
    s = ctx.styles
    if block.checklist:
        return checklist_table(block, ctx, width, section_id)
    items = []
    bullet_font = ctx.chain.family_for("0" if block.ordered else "•").name   # CJK faces lack • and 0-9
    indent = _label_indent(block, first_number, bullet_font, s.body.fontSize)
    for item in block.items:
        parts: list[Flowable] = []
        for sub in item:
            if isinstance(sub, model.Paragraph):
                parts.append(ctx.para(sub.spans, s.list_item))
            else:
                parts.extend(block_flowables(sub, ctx, width - indent, section_id))
        items.append(ListItem(parts or [ctx.text("", s.list_item)]))  # an empty "- " item
    rtl = ctx.language.rtl
    return tagging.TagList(  # reportlab's ListFlowable, tagged L > LI > Lbl + LBody
        items,
        tag_key=tag_key,
        bulletType="1" if block.ordered else "bullet",
        start=first_number if block.ordered else "•",
        bulletFormat="%s." if block.ordered else None,
        bulletFontName=bullet_font,
        bulletFontSize=s.body.fontSize,
        bulletColor=palette(ctx.layout)["accent"],
        leftIndent=0 if rtl else indent,
        rightIndent=indent if rtl else 0,
        bulletDedent="auto",
        bulletDir="rtl" if rtl else "ltr",
        spaceAfter=s.body.spaceAfter * 0.5,
    )


def _label_indent(block: model.ListBlock, first_number: int, font: str, size: float) -> float:
    """How far a list's text stands in from its labels' edge: 1.3 em, or the widest number label ("12.") and a
    gap of 0.45 em, so that a long numbered list (the references) never runs its labels into the text ("10.Copeman",
    and in a right-to-left column "The1."). reportlab puts the labels at the outer edge, left-aligned."""
    indent = size * 1.3
    if not block.ordered or not block.items:
        return indent
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widest = stringWidth(f"{first_number + len(block.items) - 1}.", font, size)
    return max(indent, widest + size * 0.45)


def _tick_box(size: float, colour: colors.Color, font: str) -> Drawing:
    d = Drawing(size, size, initialFontName=font)
    d.add(Rect(1, 1, size - 2, size - 2, rx=2, ry=2, strokeColor=colour, strokeWidth=1.3,
               fillColor=colors.white))
    return d


def checklist_table(block: model.ListBlock, ctx: RenderContext, width: float, section_id: str) -> Table:
    s = ctx.styles
    box = s.body.fontSize * 1.1
    rows = []
    for item in block.items:
        cell: list[Flowable] = []
        for sub in item:
            cell.extend([ctx.para(sub.spans, s.list_item)] if isinstance(sub, model.Paragraph)
                        else block_flowables(sub, ctx, width - box * 2, section_id))
        # Tagged PDF: the checklist is a list (L), each row's text an item (LI > LBody); the tick box is an artifact.
        rows.append([_tick_box(box, palette(ctx.layout)["ink"], ctx.chain.primary.name),
                     tagging.TagGroup(cell, ("LI", "LBody"))])
    col = [box * 1.6, width - box * 1.6]
    tick_col, tick_align = 0, "LEFT"
    if ctx.language.rtl:   # the tick box on the reading side, at the outer edge, with the gap towards the text
        rows = [list(reversed(r)) for r in rows]
        col.reverse()
        tick_col, tick_align = 1, "RIGHT"
    table = tagging.TagTable(rows, colWidths=col, hAlign="LEFT", tag_role="L")
    table.setStyle(TableStyle([("ALIGN", (tick_col, 0), (tick_col, -1), tick_align), ("FONT", (0, 0), (-1, -1), ctx.chain.primary.name), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def figure_flowables(figure_id: str, caption: str, ctx: RenderContext, width: float,
                     line: int | None = None) -> Flowable:
    fig = FigureFlowable(figure_id, ctx.draw_figure(figure_id, width), ctx.document.figures[figure_id].alt)
    parts: list[Flowable] = [Spacer(1, ctx.styles.body.fontSize * 0.3), fig]
    if caption:
        parts.append(ctx.text(caption, ctx.styles.caption))
    return KeepTogether(parts)


def _cell_content(flowables: list[Flowable]) -> list[Flowable]:
    """What goes into a table cell: KeepTogether's content instead of itself. A table wraps its cells with no
    height limit, KeepTogether then reports itself taller than any page and the table fails to place; a
    cell keeps its content together anyway."""
    out: list[Flowable] = []
    for flowable in flowables:
        out.extend(_cell_content(flowable._content) if isinstance(flowable, KeepTogether) else [flowable])
    return out


def box_flowable(block: model.Box, ctx: RenderContext, width: float, section_id: str, *,
                 title_level: int = 3) -> Table:
    """`title_level`: the title is tagged as a heading of this level (H2 on a cover, under the title's H1)."""
    s = ctx.styles
    c = palette(ctx.layout)
    warning = block.kind == "warning"
    pad = s.body.fontSize * 0.75
    inner = width - 2 * pad
    rows: list[list[object]] = []
    if block.title:
        title_style = s.box_title.clone("box_title_w", textColor=c["warning"]) if warning else s.box_title
        rows.append([ctx.text(block.title, title_style, tag_role=f"H{title_level}")])
    spans: list[tuple[int, int]] = []   # each block's rows, first and last
    for sub in block.blocks:
        start = len(rows)
        if isinstance(sub, model.ListBlock) and not sub.checklist:
            key = object()  # the rows of one list stay one list (L) in the tagged PDF
            for number, item in enumerate(sub.items, 1):  # one row per item keeps long boxes splittable
                rows.append([list_flowable(model.ListBlock(sub.ordered, (item,)), ctx, inner, section_id,
                                           tag_key=key, first_number=number)])
        else:
            rows.append([_cell_content(block_flowables(sub, ctx, inner, section_id))])
        spans.append((start, len(rows) - 1))
    kept = _kept_tiers(block.blocks, spans, rows, inner)
    if not rows:
        rows.append([Spacer(1, 1)])
    if block.title and len(rows) > 1:
        # the title shares a row with what follows it, so that a box split at a page foot never leaves its title
        # alone; with its first two items when there are two, since a first item is often one line long and a
        # title keeps with at least two lines
        cell = [rows[0][0]]
        merged = 2 if len(rows) > 2 else 1
        for _ in range(merged):
            first = rows.pop(1)[0]
            cell.extend(first if isinstance(first, list) else [first])
        rows[0] = [cell]
        kept = [(max(0, a - merged), b - merged) for a, b in kept if b - merged > 0]
    border = c["warning"] if warning else c["rule"]
    table = tagging.TagTable(rows, colWidths=[width], hAlign="LEFT", tag_role="Div")  # a box: one Div when tagged
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), ctx.chain.primary.name),
        ("BACKGROUND", (0, 0), (-1, -1), c["warning_tint"] if warning else c["tint"]),
        ("BOX", (0, 0), (-1, -1), 2.2 if warning else 0.8, border),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.8), ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.6),
        *[("NOSPLIT", (0, first), (-1, last)) for first, last in kept],
    ]))
    table.spaceBefore = s.body.fontSize * 0.4
    table.spaceAfter = s.body.fontSize * 0.9
    table.box_kind = block.kind  # read by tagging and tests
    return table


# A tier of a box ("Get help now if:", its list, what to do) is kept in one column when it is at most this tall
# (points); a taller one keeps its lead-in with two items and its last item with what to do. Well under any
# frame, so that a kept tier always fits the next one.
TIER_KEPT_HEIGHT = 260.0


def _kept_tiers(blocks: tuple, spans: list[tuple[int, int]], rows: list[list[object]], width: float
                ) -> list[tuple[int, int]]:
    """The rows of a box that a page break may not come between, as (first, last) ranges: in a warning box
    the action after a list of signs ("call 999 now") is what the list is for, and split from it at a page foot
    the reader of the first page sees the signs and not what to do. A tier is a paragraph that leads into a
    list, the list, and the paragraph after it when that does not lead into the next list. A tier that ends on
    such an action is kept whole; one without keeps its lead-in with two items (as a box's title does), since
    keeping every tier whole left the foot of many columns empty and added a page to three leaflets."""
    kept: list[tuple[int, int]] = []
    for index, sub in enumerate(blocks):
        if not isinstance(sub, model.ListBlock) or sub.checklist:
            continue
        first, last = spans[index]
        lead = index > 0 and isinstance(blocks[index - 1], model.Paragraph)
        after = (index + 1 < len(blocks) and isinstance(blocks[index + 1], model.Paragraph)
                 and not (index + 2 < len(blocks) and isinstance(blocks[index + 2], model.ListBlock)))
        start = spans[index - 1][0] if lead else first
        end = spans[index + 1][1] if after else last
        if end == start:
            continue
        if after and _rows_height(rows[start:end + 1], width) <= TIER_KEPT_HEIGHT:
            kept.append((start, end))
            continue
        if lead:
            kept.append((start, min(first + 1, last)))
        if after:
            kept.append((last, end))
    return kept


def _rows_height(rows: list[list[object]], width: float) -> float:
    """The height of these rows' content at `width` (what the box's table will wrap them to, so the wraps are
    reused), measured as the table measures its cells: with no canvas."""
    total = 0.0
    for row in rows:
        cell = row[0]
        for flowable in cell if isinstance(cell, list) else [cell]:
            total += flowable.wrapOn(None, width, 1e6)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def picture_row(block: model.PictureRow, ctx: RenderContext, width: float, section_id: str) -> Table:
    s = ctx.styles
    # A picture with words inside it (a labelled diagram) needs room for them to stay legible; a pictogram
    # reads at the layout's picture width.
    labelled = bool(ctx.document.figures[block.figure_id].labels)
    pic_w = width * 0.45 if labelled else min(s.level.picture_width, width * 0.4)
    fig = FigureFlowable(block.figure_id, ctx.draw_figure(block.figure_id, pic_w),
                         ctx.document.figures[block.figure_id].alt)
    text: list[Flowable] = []
    for sub in block.blocks:
        text.extend(_cell_content(block_flowables(sub, ctx, width - pic_w - 12, section_id)))
    row = [fig, text]
    cols = [pic_w + 12, width - pic_w - 12]
    gutter = [("LEFTPADDING", (0, 0), (-1, -1), 0)]   # the picture's cell holds the 12 pt gap on the text's side
    if ctx.language.rtl:   # mirrored: the picture on the right, its gap on its left (the labels face the text)
        row.reverse()
        cols.reverse()
        gutter.append(("LEFTPADDING", (1, 0), (1, 0), 12))
    table = tagging.TagTable([row], colWidths=cols, hAlign="LEFT", tag_role="Div")  # picture + words: one Div
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), ctx.chain.primary.name), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               *gutter, ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    table.spaceAfter = s.body.fontSize * 0.5
    return table


