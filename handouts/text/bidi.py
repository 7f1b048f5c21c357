"""The Unicode bidirectional algorithm for right-to-left paragraphs: embedding levels and per-line visual order.

reportlab's own bidi support needs `rlbidi`, which is not on PyPI, so handouts resolves levels itself with
python-bidi (a binding of the Rust `unicode-bidi` crate, a complete UBA with isolates and bracket pairs) and
reorders each laid-out line with rule L2. Lines are broken in logical order first; only then is each line put
into visual order, which is what the UBA prescribes and what keeps the first words of a paragraph on its first
line.

python-bidi exposes the resolved levels only through its debug output (`get_display(..., debug=True)` returns
the Rust `BidiInfo` debug text); `levels()` reads them from there and checks the count, so a change of that
format is a loud error, never silently wrong text.
"""

from __future__ import annotations

import re
from typing import Sequence, TypeVar

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")

# Runs that must read left to right as one unit inside right-to-left text. Without isolating them the UBA
# treats the spaces of "+44 20 7946 0000" as separators between independent numbers and shows the groups in
# reverse order ("0000 7946 20 44+"); a URL's punctuation would likewise be scattered.
# A phone number as leaflets print it: digits with spaces (no-break ones too: handouts.text.markup keeps a
# number whole with them), dashes, dots or brackets between them.
PHONE_NUMBER = r"\+?\d[\d\s\u00a0().-]{5,}\d"
_LTR_UNITS = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]،؛]"        # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                          # e-mail addresses
    rf"|{PHONE_NUMBER}"                                        # phone numbers
    r"|\d+(?:[.,:/-]\d+)+",                                    # 12.5, 10:30, 2025-01-31, 1/2
    re.ASCII,
)

T = TypeVar("T")


def isolate_ltr_units(text: str) -> str:
    """Wrap phone numbers, URLs, e-mail addresses and dotted numbers in LRI…PDI so that each reads left to
    right as a whole inside right-to-left text. The isolate marks carry no ink and are never drawn."""
    return _LTR_UNITS.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def isolate(value: str) -> str:
    """Wrap a value inserted into a right-to-left text (a clinic's or patient's name, an address, a title) in
    FSI…PDI: it takes its own direction from its first strong letter and leaves the sentence's alone, so that
    `Smith & Jones <Physio>` keeps its closing bracket on the right. The marks carry no ink and are never drawn;
    phone numbers, URLs and e-mail addresses are isolated where paragraphs are laid out (isolate_ltr_units)."""
    return f"{FSI}{value}{PDI}" if value.strip() and not _LTR_UNITS.fullmatch(value.strip()) else value


def mostly_right_to_left(text: str) -> bool:
    """Whether a paragraph of a right-to-left document reads right to left as a whole. A paragraph that is
    mostly Latin (a reference to an English journal article) keeps a left-to-right base, so its numbers and
    punctuation stay with the words they belong to; an Arabic sentence with a Latin word in it stays right to
    left. A paragraph with no letters at all follows the document."""
    import unicodedata

    left = right = 0
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            left += 1
        elif kind in ("R", "AL"):
            right += 1
    return right >= left if (left or right) else True


# Every character whose bidi class is R, AL or AN, or an explicit embedding, override or isolate (and some
# neighbours: more is harmless), as ranges: tests/test_fonts.py checks it against the Unicode database.
_NOT_PLAIN_LTR = re.compile("[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufeff"
                            "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def levels(text: str, rtl: bool) -> list[int]:
    """The resolved embedding level of every character of one paragraph (odd = right to left)."""
    if not text:
        return []
    if not rtl and _NOT_PLAIN_LTR.search(text) is None:
        # A left-to-right paragraph with nothing right to left in it and no explicit marks: every character
        # resolves to level 0 (European numbers take the direction of the L before them, rule W7, and neutrals
        # that of their surroundings), so there is nothing to ask python-bidi. Most paragraphs of a Hindi
        # leaflet; one with a phone number in it is isolated (LRI) and goes the long way.
        return [0] * len(text)
    return _resolved_levels(text, rtl)


def _resolved_levels(text: str, rtl: bool) -> list[int]:
    """python-bidi's levels of a non-empty paragraph (see the module docstring)."""
    from bidi import get_display

    info = get_display(text, base_dir="R" if rtl else "L", debug=True)
    start = info.find("levels:")
    end = info.find("paragraphs:", start)
    if start < 0 or end < 0:
        raise RuntimeError("python-bidi debug output changed; handouts.bidi.levels needs updating")
    per_byte = [int(v) for v in _LEVEL.findall(info[start:end])]
    data = text.encode("utf-8")
    if len(per_byte) != len(data):
        raise RuntimeError("python-bidi returned a level count that does not match the text")
    # The Rust crate reports one level per UTF-8 byte; keep the level of each character's first byte.
    out: list[int] = []
    offset = 0
    for char in text:
        out.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    return out


def visual_order(run_levels: Sequence[int]) -> list[int]:
    """Rule L2 on a line of runs of uniform level: indices of the runs in left-to-right display order.

    From the highest level down to the lowest odd level, every maximal sequence of runs at that level or
    higher is reversed. Glyphs inside a right-to-left run are already in visual order (HarfBuzz emits them so).
    """
    order = list(range(len(run_levels)))
    if not run_levels:
        return order
    highest = max(run_levels)
    lowest_odd = min(level for level in run_levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if run_levels[order[i]] >= level:
                j = i
                while j < len(order) and run_levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


def reorder(items: Sequence[T], run_levels: Sequence[int]) -> list[T]:
    return [items[i] for i in visual_order(run_levels)]
