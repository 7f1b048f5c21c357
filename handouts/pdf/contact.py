"""Flowables for who hands the leaflet out and who it is for: the clinic strip on the cover, the contact block
at the end, and the parts of a personalised copy ("Prepared for", "Your plan", "My questions").

User-supplied values (clinic details, patient name, note) only ever pass through `text_markup`, which escapes
them, so `Smith & Jones <Physio>` prints exactly so.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Line
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer, Table, TableStyle

from handouts.config.clinic import svg_drawing, check_logo
from handouts.config.clinic import Clinic
from handouts.pdf.flowables import RenderContext
from handouts.text.bidi import isolate
from handouts.text.markup import quoteattr, text_markup
from handouts.content.phone import tel_href
from handouts.pdf.paragraph import Paragraph
from handouts.pdf.styles import palette
from handouts.config.personal import PersonalCopy


PROFILE = "clinic profile"


def _field(name: str) -> str:
    """Where a clinic value came from, for a character no font has."""
    return f"{PROFILE} field '{name}'"


def _value(ctx: RenderContext, text: str) -> str:
    """A profile or command-line value as it goes into text of the document's direction (bidi.isolate)."""
    return isolate(text) if ctx.language.rtl else text


def _p(ctx: RenderContext, text: str, style, href: str | None = None, *, where: str = PROFILE,
       role: str = "P") -> Paragraph:
    """`where` names the input the text came from (a profile field, a command-line option); `role`: its tag in
    the tagged PDF (the title of a box of its own, outside any section, is an H2 like a section's)."""
    markup = text_markup(text, ctx.chain, where=where)
    if href:
        colour = ctx.layout.colours["accent"]
        markup = f'<a href={quoteattr(href)} color="{colour}"><u>{markup}</u></a>'
    return Paragraph(markup, style, tag_role=role)


def contact_lines(ctx: RenderContext, clinic: Clinic) -> list[Flowable]:
    s = ctx.styles
    lang = ctx.language
    bold = s.body.clone("contact_name", fontName=ctx.chain.primary.face("bold").name)
    lines: list[Flowable] = [_p(ctx, _value(ctx, clinic.name), bold, where=_field("name"))]
    if clinic.address:
        lines.append(_p(ctx, _value(ctx, clinic.address), s.body, where=_field("address")))
    if clinic.phone:
        lines.append(_p(ctx, f"{lang.s('phone')}: {clinic.phone}", s.body, tel_href(clinic.phone),
                        where=_field("phone")))
    if clinic.email:
        lines.append(_p(ctx, f"{lang.s('email')}: {clinic.email}", s.body, f"mailto:{clinic.email}",
                        where=_field("email")))
    if clinic.website:
        lines.append(_p(ctx, f"{lang.s('website')}: {clinic.website}", s.body, clinic.website,
                        where=_field("website")))
    if clinic.clinician:
        lines.append(_p(ctx, lang.s("your_clinician", clinician=_value(ctx, clinic.clinician)), s.body,
                        where=_field("clinician")))
    return lines


def clinic_strip(ctx: RenderContext, clinic: Clinic | None, width: float) -> list[Flowable]:
    """Cover: logo, name and how to reach the clinic, with a QR code for its website."""
    if clinic is None or not clinic.name:
        return []
    s = ctx.styles
    size = s.body.fontSize
    logo_w = 0.0
    cells: list[object] = []
    widths: list[float] = []
    if clinic.logo is not None:
        logo_w = min(40 * 2.8346, width * 0.25)
        cells.append(logo_flowable(clinic.logo, logo_w, size * 4))
        widths.append(logo_w + 6)
    qr_w = size * 4.5 if clinic.website else 0.0
    text_w = width - sum(widths) - qr_w - (6 if qr_w else 0)
    small = s.small.clone("contact_small", textColor=palette(ctx.layout)["ink"])
    lines = [_p(ctx, _value(ctx, clinic.name), s.box_title, where=_field("name"))]
    contact_bits = [x for x in (clinic.phone, clinic.website) if x]
    if contact_bits:
        lines.append(_p(ctx, " · ".join(contact_bits), small))
    cells.append(lines)
    widths.append(text_w)
    if qr_w:
        cells.append(qr_drawing(clinic.website, qr_w - 4))
        widths.append(qr_w + 6)
    if ctx.language.rtl:
        cells.reverse()
        widths.reverse()
    table = contact_table([cells], widths, ctx.chain.primary.name)
    table.spaceAfter = size * 0.6
    return [table]


def contact_block(ctx: RenderContext, clinic: Clinic | None, width: float) -> list[Flowable]:
    """End of the leaflet: the full contact details in a box, so the reader knows whom to call."""
    if clinic is None or not clinic.name:
        return []
    c = palette(ctx.layout)
    rows: list[list[object]] = [[_p(ctx, ctx.language.s("contact"), ctx.styles.box_title, role="H2")]]
    rows += [[line] for line in contact_lines(ctx, clinic)]
    if clinic.website:
        rows.append([qr_drawing(clinic.website, ctx.styles.body.fontSize * 5)])
    # a few lines: kept whole, never its title at the foot of a page and the numbers on the next (large print)
    return [KeepTogether([boxed(rows, width, background=c["tint"], border=c["rule"], font=ctx.chain.primary.name,
                                pad=ctx.styles.body.fontSize * 0.6)])]


def personal_cover(ctx: RenderContext, personal: PersonalCopy | None, width: float, date_text: str
                   ) -> list[Flowable]:
    """Cover of a personalised copy: who it is for, and the clinician's plan in a box."""
    if personal is None:
        return []
    s = ctx.styles
    c = palette(ctx.layout)
    out: list[Flowable] = [_p(ctx, ctx.language.s("prepared_for", patient=_value(ctx, personal.patient),
                                                  date=date_text),
                              s.box_title, where=personal.where("patient"))]
    if personal.note or personal.clinician:
        rows: list[list[object]] = [[_p(ctx, ctx.language.s("your_plan"), s.box_title, role="H2")]]
        if personal.note:
            for line in personal.note.splitlines() or [personal.note]:
                if line.strip():
                    rows.append([_p(ctx, line.strip(), s.body, where=personal.where("note"))])
        if personal.clinician:
            rows.append([_p(ctx, ctx.language.s("from_clinician", clinician=_value(ctx, personal.clinician)),
                            s.small, where=personal.where("clinician"))])
        out.append(boxed(rows, width, background=c["tint"], border=c["accent"], font=ctx.chain.primary.name,
                         pad=s.body.fontSize * 0.6, split_in_row=True))
    return out


QUESTION_LINES = 6     # "My questions": lines promised to a personal copy
HANDWRITING = 1.6      # × the body's leading between ruled lines: room for handwriting


def questions_area(ctx: RenderContext, personal: PersonalCopy | None, width: float) -> list[Flowable]:
    """A blank, ruled "My questions" area to fill in by hand before the next visit (a booklet's, before its
    back cover; a leaflet ends on one that takes the rest of its last column, handouts.pdf.notes)."""
    if personal is None:
        return []
    return [ruled_box(ctx, ctx.language.s("my_questions"), width, QUESTION_LINES, role="H2")]


def ruled_box(ctx: RenderContext, title: str, width: float, lines: int, *, role: str = "P") -> Table:
    """A tinted box with a title, the hint "write down what you want to ask" and `lines` ruled lines."""
    s = ctx.styles
    c = palette(ctx.layout)
    pad = s.body.fontSize * 0.6
    where = f"language file '{ctx.language.code}'"
    rows: list[list[object]] = [[_p(ctx, title, s.box_title, where=where, role=role)],
                                [_p(ctx, ctx.language.s("my_questions_hint"), s.small, where=where)]]
    if lines:
        rows.append([ruled_lines(width - 2 * pad, lines, s.body.leading * HANDWRITING, c["rule"])])
    return boxed(rows, width, background=c["tint"], border=c["rule"], font=ctx.chain.primary.name, pad=pad)


def logo_flowable(path: Path, max_width: float, max_height: float) -> Flowable:
    info = check_logo(path)
    scale = min(max_width / info.width, max_height / info.height)
    if info.kind == "svg":
        drawing = svg_drawing(path)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = info.width * scale, info.height * scale
        return drawing
    return Image(io.BytesIO(path.read_bytes()), width=info.width * scale, height=info.height * scale)


class DocumentFontDrawing(Drawing):
    """A Drawing that starts in the canvas's current font: reportlab's renderer otherwise opens every drawing by
    selecting Helvetica, a font the file does not embed, which PDF/UA forbids (ISO 14289-1, 7.21.4.1)."""

    def draw(self, *args: object, **kwargs: object) -> None:
        self.initialFontName = self.canv._fontname
        super().draw(*args, **kwargs)


def qr_drawing(url: str, size: float) -> Drawing:
    """A vector QR code (reportlab's widget): crisp at any print size, no raster image."""
    from reportlab.graphics.barcode.qr import QrCodeWidget   # here: its package loads every barcode (10 ms)

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = DocumentFontDrawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), -x0, -y0])
    drawing.add(widget)
    return drawing


def contact_table(rows: list[list[object]], widths: list[float], font: str) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def ruled_lines(width: float, count: int, spacing: float, colour) -> Drawing:
    """Lines to write on by hand."""
    drawing = DocumentFontDrawing(width, count * spacing)
    for index in range(count):
        y = index * spacing + 2
        drawing.add(Line(0, y, width, y, strokeColor=colour, strokeWidth=0.6))
    return drawing


def boxed(rows: list[list[object]], width: float, *, background, border, font: str, pad: float,
          split_in_row: bool = False) -> Table:
    """`split_in_row`: a row (a long paragraph of a clinician's note) may break across columns and pages. Only
    for rows of paragraphs: reportlab's in-row split fails on a cell whose flowable cannot split (a QR code)."""
    table = Table(rows, colWidths=[width], hAlign="LEFT", splitInRow=int(split_in_row))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font),
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("BOX", (0, 0), (-1, -1), 1.2, border),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
    ]))
    table.spaceBefore = pad
    table.spaceAfter = pad
    return table


def spacer(height: float) -> Flowable:
    return Spacer(1, height)
