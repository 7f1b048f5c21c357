"""The "Your exercises" part of a personalised copy: for each exercise the physiotherapist chose, its purpose,
the dose in a table, the starting position, the numbered steps each with its picture beside it, the "stop if"
notes, a QR code to its video, and at the end a two-week log to tick.

Numbers (the dose, step and day numbers) are written with the language's numerals (the locale's default
numbering system in CLDR, `document.local_number`), so a copy reads in one script. Every word comes from the exercise's `<lang>.yaml` or the
language entry's strings; the plan's values are numbers, checked before this is drawn.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, TableStyle

from handouts.pdf.styles import palette
from handouts.text.markup import quoteattr
from handouts.config.personal import PersonalCopy, Prescription
from handouts.content import model
from handouts.document import local_number
from handouts.errors import FigureError
from handouts.pdf import tagging
from handouts.pdf.contact import DocumentFontDrawing, qr_drawing
from handouts.pdf.drawings import figure
from handouts.pdf.flowables import FigureFlowable, RenderContext, SectionHeading, box_flowable
from handouts.pdf.paragraph import Paragraph
from handouts.text.markup import text_markup

LOG_DAYS = 14


def numeral(ctx: RenderContext, value: int) -> str:
    """`value` in the language's own digits."""
    return local_number(value, ctx.language.locale)


def exercises_part(ctx: RenderContext, personal: PersonalCopy | None, width: float, figure_style) -> list[Flowable]:
    """Everything the plan's exercises add to the copy; nothing when it has none."""
    if personal is None or not personal.exercises:
        return []
    lang = ctx.language
    out: list[Flowable] = [CondPageBreak(ctx.styles.body.leading * 8),
                           SectionHeading(_t(ctx, lang.s("your_exercises"), "strings"), ctx.styles.h2,
                                          outline_title=lang.s("your_exercises"), outline_level=0,
                                          key="sec-your-exercises")]
    for index, prescription in enumerate(personal.exercises, 1):
        out.extend(_exercise(ctx, prescription, index, width, figure_style))
    out.extend(exercise_log(ctx, personal, width))
    return out


def _t(ctx: RenderContext, text: str, where: str) -> str:
    return text_markup(text, ctx.chain, where=where)


def _para(ctx: RenderContext, text: str, style, where: str) -> Paragraph:
    return Paragraph(_t(ctx, text, where), style)


def _exercise(ctx: RenderContext, prescription: Prescription, index: int, width: float, figure_style
              ) -> list[Flowable]:
    text = prescription.text
    s = ctx.styles
    lang = ctx.language
    where = str(text.path)
    bold = s.body.clone("exercise_bold", fontName=ctx.chain.primary.face("bold").name, spaceAfter=s.body.fontSize * 0.2)
    heading = SectionHeading(_t(ctx, f"{numeral(ctx, index)}. {text.name}", where), s.h3,
                             outline_title=text.name, outline_level=1, key=f"sec-exercise-{text.exercise.id}")
    head: list[Flowable] = [heading, _para(ctx, text.purpose, s.body, where), dose_table(ctx, prescription, width)]
    out: list[Flowable] = [CondPageBreak(s.body.leading * 10), KeepTogether(head),
                           KeepTogether([_para(ctx, lang.s("exercise_start"), bold, "strings"),
                                         _para(ctx, text.start, s.body, where)])]
    for number, (step, fig_id) in enumerate(zip(text.steps, text.exercise.figures), 1):
        out.append(_step_row(ctx, prescription, number, step, fig_id, width, figure_style))
    stop = model.Box("warning", lang.s("exercise_stop_if"),
                     (model.ListBlock(False, tuple((model.Paragraph((model.Span(item),)),) for item in text.stop_if)),))
    out.append(KeepTogether([box_flowable(stop, ctx, width, f"exercise-{text.exercise.id}", title_level=4)]))
    if text.exercise.video:
        out.append(_video(ctx, text.exercise.video, width))
    if text.level == "detailed":   # the full references belong to the detailed level, as in the leaflet
        sources = "; ".join(source.text for source in text.exercise.sources)
        out.append(_para(ctx, f"{lang.s('exercise_sources')}: {sources}", s.small, str(text.exercise.path)))
        out.append(Spacer(1, s.body.fontSize * 0.6))
    return out


def dose_table(ctx: RenderContext, prescription: Prescription, width: float) -> tagging.TagTable:
    """Sets, repetitions, hold and times a day: a header row and a row of values, in the language's numerals."""
    lang = ctx.language
    s = ctx.styles
    dose = prescription.dose
    hold = lang.s("exercise_seconds", n=numeral(ctx, dose.hold_seconds)) if dose.hold_seconds \
        else lang.s("exercise_no_hold")
    heads = [lang.s("exercise_sets"), lang.s("exercise_reps"), lang.s("exercise_hold"), lang.s("exercise_per_day")]
    values = [numeral(ctx, dose.sets), numeral(ctx, dose.reps), hold, numeral(ctx, dose.per_day)]
    small_bold = s.small.clone("dose_head", fontName=ctx.chain.primary.face("bold").name, textColor=s.body.textColor)
    big = s.body.clone("dose_value", fontName=ctx.chain.primary.face("bold").name, spaceAfter=0)
    rows = [[_para(ctx, h, small_bold, "strings") for h in heads], [_para(ctx, v, big, "strings") for v in values]]
    if lang.rtl:
        rows = [list(reversed(r)) for r in rows]
    c = palette(ctx.layout)
    cols = [width * share for share in (0.2, 0.28, 0.3, 0.22)]   # hold holds the longest value ("20 seconds")
    if lang.rtl:
        cols.reverse()
    table = tagging.TagTable(rows, colWidths=cols, hAlign="LEFT", tag_role="Div")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), ctx.chain.primary.name), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), c["tint"]), ("BOX", (0, 0), (-1, -1), 1.0, c["accent"]),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, c["rule"]),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    table.spaceBefore = s.body.fontSize * 0.2
    table.spaceAfter = s.body.fontSize * 0.8
    table.dose = (dose.sets, dose.reps, dose.hold_seconds, dose.per_day)   # read by tests
    return table


def _step_row(ctx: RenderContext, prescription: Prescription, number: int, step: str, fig_id: str, width: float,
              figure_style) -> tagging.TagTable:
    """One numbered step with its picture beside it (left in LTR, right in RTL)."""
    from handouts import figures as figures_pkg

    text = prescription.text
    if fig_id not in figures_pkg.EXERCISE_FIGURE_IDS:
        raise FigureError(f"unknown exercise figure '{fig_id}'", path=text.exercise.path / "exercise.yaml",
                          hint=f"exercise figures: {', '.join(figures_pkg.EXERCISE_FIGURE_IDS)}")
    words = text.figures[fig_id]
    missing = [k for k in figures_pkg.label_keys(fig_id) if k not in words.labels]
    if missing:
        raise FigureError(f"figure '{fig_id}' lacks label(s) {', '.join(missing)}", path=text.path,
                          hint=f"add them under 'figures: {fig_id}: labels'")
    pic_w = min(width * 0.46, 200.0)   # about 70 mm: beside a step, not a page of its own in large print
    art = figure(fig_id, tuple(sorted(words.labels.items())), figure_style, round(pic_w, 3))
    # one form per exercise and figure: the same picture carries other labels in another exercise
    picture = FigureFlowable(f"{text.exercise.id}-{fig_id}", art, words.alt)
    words_flow = [_para(ctx, f"{numeral(ctx, number)}. {step}", ctx.styles.body, str(text.path))]
    return _beside(ctx, picture, words_flow, pic_w + 10, width, [("TOPPADDING", (0, 0), (-1, -1), 2),
                                                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])


def _beside(ctx: RenderContext, thing: object, words: object, thing_width: float, width: float,
            extra: list | None = None) -> tagging.TagTable:
    """A picture (or QR code) beside its words, the picture on the reading side's start (mirrored for RTL)."""
    row: list[object] = [thing, words]
    cols = [thing_width, width - thing_width]
    if ctx.language.rtl:
        row.reverse()
        cols.reverse()
    table = tagging.TagTable([row], colWidths=cols, hAlign="LEFT", tag_role="Div")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), ctx.chain.primary.name),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               *(extra or [])]))
    return table


def _video(ctx: RenderContext, url: str, width: float) -> Flowable:
    s = ctx.styles
    size = s.body.fontSize * 4.5
    link = ctx.layout.colours["accent"]
    label = Paragraph(_t(ctx, ctx.language.s("exercise_video"), "strings") + "<br/>"
                      + f'<a href={quoteattr(url)} color="{link}"><u>{_t(ctx, url, "exercise video")}</u></a>', s.small)
    table = _beside(ctx, qr_drawing(url, size), label, size + 8, width)
    table.spaceAfter = s.body.fontSize * 0.8
    table.video = url   # read by tests
    return table


def _ticks(count: int, size: float, colour) -> Drawing:
    """`count` empty boxes side by side: one per time a day the exercise is due."""
    gap = size * 0.25
    d = DocumentFontDrawing(count * size + (count - 1) * gap, size)
    for i in range(count):
        d.add(Rect(i * (size + gap), 0, size, size, rx=1.5, ry=1.5, strokeColor=colour, strokeWidth=0.8,
                   fillColor=colors.white))
    return d


def exercise_log(ctx: RenderContext, personal: PersonalCopy, width: float) -> list[Flowable]:
    """Two weeks, one table each: a row per exercise, a column per day, as many tick boxes as times a day."""
    s = ctx.styles
    lang = ctx.language
    c = palette(ctx.layout)
    out: list[Flowable] = [CondPageBreak(s.body.leading * 12),
                           SectionHeading(_t(ctx, lang.s("exercise_log"), "strings"), s.h3,
                                          outline_title=lang.s("exercise_log"), outline_level=1,
                                          key="sec-exercise-log"),
                           _para(ctx, lang.s("exercise_log_hint"), s.small, "strings"), Spacer(1, s.body.fontSize * 0.4)]
    name_w = width * 0.3
    day_w = (width - name_w) / 7
    widest = max(p.dose.per_day for p in personal.exercises)
    tick = min(s.body.fontSize * 0.7, (day_w - 6) / (widest + (widest - 1) * 0.25))
    small = s.small.clone("log_small", textColor=s.body.textColor)
    head_style = s.small.clone("log_head", fontName=ctx.chain.primary.face("bold").name, textColor=s.body.textColor)
    for week in (1, 2):
        first = (week - 1) * 7 + 1
        header = [_para(ctx, lang.s("exercise_week", n=numeral(ctx, week)), head_style, "strings")]
        header += [_para(ctx, numeral(ctx, day), head_style, "strings") for day in range(first, first + 7)]
        rows: list[list[object]] = [header]
        for prescription in personal.exercises:
            rows.append([_para(ctx, prescription.text.name, small, str(prescription.text.path))]
                        + [_ticks(prescription.dose.per_day, tick, c["ink"]) for _ in range(7)])
        cols = [name_w] + [day_w] * 7
        if lang.rtl:
            rows = [list(reversed(r)) for r in rows]
            cols.reverse()
        table = tagging.TagTable(rows, colWidths=cols, hAlign="LEFT", tag_role="Div", repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), ctx.chain.primary.name), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("BACKGROUND", (0, 0), (-1, 0), c["tint"]),
            ("GRID", (0, 0), (-1, -1), 0.5, c["rule"]),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        table.spaceAfter = s.body.fontSize * 0.6
        table.log_days = list(range(first, first + 7))   # read by tests
        out.append(table)
    return out
