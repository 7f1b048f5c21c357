"""The visible text of each link as marked content of its own, so that a Link element can hold it.

PDF/UA (ISO 14289-1, 7.18.5) wants a Link element to contain both the link annotation (an OBJR) and the link's
text (marked content). reportlab draws a paragraph's words, links included, as one marked-content sequence and
adds the link annotations afterwards, so `handouts.pdf.tagging` calls `split_link_text` on the finished page:
it finds, in each marked-content sequence that drew links, the text-showing operators that fall inside each
link's rectangle (following the text and graphics state, with the font's own widths), and rewrites the
sequence as several: the paragraph's text, the link's text, the paragraph's text again, each inside the text
object it belongs to, since marked content may not straddle BT/ET. Every MCID of the page is then renumbered
in drawing order (0, 1, 2, …), and the caller is told what each old MCID became.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
SLACK = 1.0   # points: a glyph run whose middle is this close to a link's rectangle is inside it
NOTHING_SHOWN = "nothing shown"   # what a unit without text belongs to (not an annotation index, nor None)
CLOSED = "closed"                 # no sequence open yet

# A font's metrics as the text-state tracker needs them: bytes per code, and the width (1/1000 em) of a code.
FontMetrics = tuple[int, Callable[[int], float]]


@dataclass(frozen=True)
class Segment:
    """What an old MCID became: a new MCID, and the link annotations (indices in /Annots) whose text it holds;
    none for the element's own text."""

    mcid: int
    annotations: tuple[int, ...]


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def text_positions(instructions: list, metrics: Callable[[str], FontMetrics | None]) -> dict[int, tuple[float, float, float]]:
    """For each text-showing instruction (by index): the x at its middle and the y of its baseline, in default
    user space. `metrics(font resource name)` gives the font's widths (None: unknown, its runs are skipped)."""
    ctm, stack = IDENTITY, []
    tm = tlm = IDENTITY
    font: FontMetrics | None = None
    size = char_space = word_space = rise = leading = 0.0
    scale = 1.0
    out: dict[int, tuple[float, float, float]] = {}
    for index, instruction in enumerate(instructions):
        op, args = str(instruction.operator), instruction.operands
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else IDENTITY
        elif op == "cm":
            ctm = _multiply(tuple(float(a) for a in args), ctm)   # type: ignore[arg-type]
        elif op == "BT":
            tm = tlm = IDENTITY
        elif op == "Tf":
            font, size = metrics(str(args[0])), float(args[1])
        elif op == "Tc":
            char_space = float(args[0])
        elif op == "Tw":
            word_space = float(args[0])
        elif op == "Tz":
            scale = float(args[0]) / 100
        elif op == "TL":
            leading = float(args[0])
        elif op == "Ts":
            rise = float(args[0])
        elif op in ("Td", "TD"):
            if op == "TD":
                leading = -float(args[1])
            tm = tlm = _multiply((1, 0, 0, 1, float(args[0]), float(args[1])), tlm)
        elif op == "Tm":
            tm = tlm = tuple(float(a) for a in args)   # type: ignore[assignment]
        elif op == "T*":
            tm = tlm = _multiply((1, 0, 0, 1, 0, -leading), tlm)
        if op in ("'", '"'):
            if op == '"':
                word_space, char_space = float(args[0]), float(args[1])
            tm = tlm = _multiply((1, 0, 0, 1, 0, -leading), tlm)
        if op in ("Tj", "TJ", "'", '"'):
            items = list(args[0]) if op == "TJ" else [args[-1]]
            advance = 0.0
            for item in items:
                if isinstance(item, pikepdf.String):
                    advance += _advance(bytes(item), font, size, char_space, word_space) * scale
                else:
                    advance -= float(item) / 1000 * size * scale
            if font is not None:
                start = _point(_multiply(tm, ctm), 0, rise)
                end = _point(_multiply(_multiply((1, 0, 0, 1, advance, 0), tm), ctm), 0, rise)
                out[index] = ((start[0] + end[0]) / 2, start[1], abs(end[0] - start[0]))
            tm = _multiply((1, 0, 0, 1, advance, 0), tm)
    return out


def _advance(data: bytes, font: FontMetrics | None, size: float, char_space: float, word_space: float) -> float:
    if font is None:
        return 0.0
    width_of = font[1]
    step = font[0]
    total = 0.0
    for i in range(0, len(data) - step + 1, step):
        code = int.from_bytes(data[i:i + step], "big")
        total += width_of(code) / 1000 * size + char_space + (word_space if step == 1 and code == 32 else 0)
    return total


def _mcid(instruction: Any) -> int | None:
    if str(instruction.operator) != "BDC" or len(instruction.operands) < 2:
        return None
    props = instruction.operands[1]
    return int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None


def _language_span(instruction: Any) -> bool:
    """`/Span <</Lang (en)>> BDC`: a run in another language (handouts.pdf.tagging.language_operator), with no
    MCID and no ActualText of its own."""
    if str(instruction.operator) != "BDC" or len(instruction.operands) < 2:
        return False
    props = instruction.operands[1]
    return (isinstance(props, pikepdf.Dictionary) and "/Lang" in props and "/ActualText" not in props
            and "/MCID" not in props)


def _closing(instructions: list, start: int) -> int:
    """The index of the EMC that closes the sequence opened at `start`."""
    depth = 0
    for index in range(start, len(instructions)):
        op = str(instructions[index].operator)
        if op in ("BDC", "BMC"):
            depth += 1
        elif op == "EMC":
            depth -= 1
            if depth == 0:
                return index
    return len(instructions) - 1


def split_link_text(instructions: list, links: dict[int, list[tuple[int, tuple[float, float, float, float]]]],
                    metrics: Callable[[str], FontMetrics | None]) -> tuple[list, dict[int, list[Segment]]]:
    """`links`: for an MCID, the link annotations drawn inside its sequence (index in /Annots, rectangle).
    Returns the page's new instructions and, for every old MCID of the page, what it became."""
    positions = text_positions(instructions, metrics)
    out: list[tuple[Any, tuple[int, tuple[int, ...]] | None]] = []   # instruction, (old MCID, annotation) for a BDC
    index = 0
    while index < len(instructions):
        instruction = instructions[index]
        mcid = _mcid(instruction)
        if mcid is None:
            out.append((instruction, None))
            index += 1
            continue
        if mcid not in links:
            out.append((instruction, (mcid, ())))
            index += 1
            continue
        end = _closing(instructions, index)
        out += _split_sequence(instructions, index, end, mcid, links[mcid], positions)
        index = end + 1
    return _renumber(out)


def _split_sequence(instructions: list, start: int, end: int, mcid: int,
                    links: list[tuple[int, tuple[float, float, float, float]]],
                    positions: dict[int, tuple[float, float, float]]) -> list:
    """One sequence, whose BDC is at `start` and EMC at `end`, rewritten as marked sequences inside each of its
    text objects; what lies outside text objects is left unmarked (graphics there become artifacts later)."""
    tag = instructions[start].operands[0]
    out: list = []
    index = start + 1
    while index < end:
        if str(instructions[index].operator) != "BT":
            out.append((instructions[index], None))
            index += 1
            continue
        close = next((i for i in range(index + 1, end) if str(instructions[i].operator) == "ET"), end - 1)
        out.append((instructions[index], None))
        out += _segments(instructions, index + 1, close, tag, mcid, links, positions)
        out.append((instructions[close], None))
        index = close + 1
    return out


def _which_links(positions: dict[int, tuple[float, float, float]], first: int, last: int,
                 links: list[tuple[int, tuple[float, float, float, float]]]) -> tuple[int, ...] | str:
    """The annotations whose text is shown in instructions[first..last]: those whose rectangle holds the
    middle of the run, or whose middle lies on the run (one glyph run may draw several links: a shaped
    paragraph draws neighbouring words of one colour as one run, and a link per word). An empty tuple for text
    outside every link; NOTHING_SHOWN when no text is shown there."""
    shown = [positions[i] for i in range(first, last + 1) if i in positions]
    if not shown:
        return NOTHING_SHOWN
    x, y, width = shown[0]
    found = []
    for annotation, (x0, y0, x1, y1) in links:
        left, right, low, high = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        if not low - SLACK <= y <= high + SLACK:
            continue
        if left - SLACK <= x <= right + SLACK or x - width / 2 <= (left + right) / 2 <= x + width / 2:
            found.append(annotation)
    return tuple(found)


def _segments(instructions: list, first: int, last: int, tag: Any, mcid: int,
              links: list[tuple[int, tuple[float, float, float, float]]],
              positions: dict[int, tuple[float, float, float]]) -> list:
    """The inside of one text object, cut into marked sequences: units (one instruction, or a whole nested
    marked sequence such as an ActualText span) go to the link whose rectangle holds their text."""
    units: list[tuple[int, int, Any]] = []   # (first, last, the language span around it or None)

    def collect(index: int, last: int, wrapper: Any) -> None:
        while index < last:
            op = str(instructions[index].operator)
            stop = _closing(instructions, index) if op in ("BDC", "BMC") else index
            if wrapper is None and _language_span(instructions[index]):
                # A run in another language (a reference's English title and its URL inside Arabic text) may
                # hold a link and the words around it: its parts go to their own owners, each in the span again.
                collect(index + 1, min(stop, last), instructions[index])
            else:
                units.append((index, min(stop, last - 1), wrapper))
            index = stop + 1

    collect(first, last, None)
    out: list = []
    current: tuple[int, ...] | str = CLOSED
    for unit_start, unit_end, wrapper in units:
        owner = _which_links(positions, unit_start, unit_end, links)
        if owner is not NOTHING_SHOWN and owner != current:
            if current is not CLOSED:
                out.append((pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")), None))
            role = pikepdf.Name.Link if owner else tag
            out.append((pikepdf.ContentStreamInstruction([role, pikepdf.Dictionary()], pikepdf.Operator("BDC")),
                        (mcid, owner)))
            current = owner
        if wrapper is not None:
            out.append((wrapper, None))
        out += [(instructions[i], None) for i in range(unit_start, unit_end + 1)]
        if wrapper is not None:
            out.append((pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")), None))
    if current is not CLOSED:
        out.append((pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")), None))
    return out


def _renumber(marked: list) -> tuple[list, dict[int, list[Segment]]]:
    """MCIDs 0, 1, 2, … in drawing order; what each old MCID became."""
    result: list = []
    became: dict[int, list[Segment]] = {}
    for instruction, label in marked:
        if label is None:
            result.append(instruction)
            continue
        old, annotations = label
        new = sum(len(v) for v in became.values())
        became.setdefault(old, []).append(Segment(new, annotations))
        result.append(pikepdf.ContentStreamInstruction([instruction.operands[0], pikepdf.Dictionary(MCID=new)],
                                                       pikepdf.Operator("BDC")))
    return result, became
