"""Page quality of built PDFs: what a clinic would have to fix by hand before printing.

Reads a finished PDF back (pdfplumber: every character with its position, size, font and tag) and judges its
pages against the layout it was built with (named by the file name, or given):

- stranded-title: a heading or box title is the last text of a column or page, with fewer than two lines of its
  content under it, and the content starts in the next column;
- empty-page: a page that holds only furniture (header, footer) or almost nothing else;
- last-page-fill: the last page is less than a third full;
- small-text: text smaller than the layout's floors (layouts/*.yaml `floors`, and `label_floor` per level for
  the words inside figures);
- overlap: two words drawn over each other (figure labels raised to a floor, a line drawn twice);
- off-frame: text that leaves its column into the gutter or a margin, or comes within 3 mm of the paper's
  edge, where office printers cannot print and a print shop's trim cuts.

It reads pixels' worth of geometry, not the content model, so it judges what the reader holds. Booklets are
judged page by page after undoing the imposition; a tri-fold's panels have a fixed size, so only type sizes are
judged there.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from reportlab.lib.units import mm

from handouts.config.layouts import Layout, load_layout
from handouts.content.model import LEVELS
from handouts.errors import HandoutsError
from handouts.pdf.render import LAST_PAGE_MIN_FILL   # the renderer balances the end to the same rule

RULES = ("stranded-title", "empty-page", "last-page-fill", "small-text", "overlap", "off-frame")
EMPTY_PAGE_FILL = 0.10        # a page whose text takes less than a tenth of it holds only leftovers
TITLE_MIN_LINES_AFTER = 2     # a heading keeps with at least its first two lines
EDGE = 3 * mm                 # no text this close to the paper's edge (printers' unprintable border, trim)
OVERLAP = 0.3                 # of the smaller word's height and width: words overlapping more collide
CORE_TRIM = 0.2               # of a word box's height, off its top and bottom (_core)
_FUZZ = 0.25                  # pt: rounding in sizes written to the PDF
_NAME = re.compile(r"_(?P<level>easy|standard|detailed)_(?P<layout>[a-z0-9-]+)_(?P<paper>a4|letter)"
                   r"(?:_[0-9a-f]{16})?\.pdf$")


class PageCheckError(HandoutsError):
    """A file given to `check --pages` cannot be judged (not a PDF, or its layout cannot be told)."""


@dataclass(frozen=True)
class Problem:
    path: Path
    page: int          # 1-based page of the reader's document (a booklet's pages, not its sheets)
    rule: str
    message: str       # what is wrong and what to change

    def line(self) -> str:
        return f"{self.path}: page {self.page}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Target:
    """What a PDF was built as: the layout, the reading level and the paper."""

    layout: Layout
    level: str
    paper: str


@dataclass(frozen=True)
class Line:
    """One line of text in one column."""

    top: float         # from the top of the page, pdfplumber's coordinates
    bottom: float
    size: float        # the largest character
    title: bool        # a heading or box title: bold and larger than the body
    text: str


@dataclass(frozen=True)
class Column:
    page: int
    top: float
    bottom: float
    lines: tuple[Line, ...]
    ink: float = 0.0   # the foot of the lowest drawing in the column (a figure, a box, ruled lines), 0 if none

    @property
    def fill(self) -> float:
        """Share of the column's height from its top to the foot of its last line or drawing (a box of ruled
        lines to write on fills its column as text would)."""
        foot = max(self.lines[-1].bottom if self.lines else 0.0, self.ink)
        if foot <= self.top:
            return 0.0
        return max(0.0, min(1.0, (foot - self.top) / (self.bottom - self.top)))


def target_of(path: Path, layouts_dir: Path, layout: str | None = None, level: str | None = None,
              paper: str | None = None) -> Target:
    """The layout, level and paper a PDF was built with: from its file name
    (`<topic>_<lang>_<level>_<layout>_<paper>.pdf`, as `handouts build` names it) unless given."""
    match = _NAME.search(path.name)
    layout = layout or (match and match["layout"])
    level = level or (match and match["level"])
    paper = paper or (match and match["paper"])
    if not (layout and level and paper):
        raise PageCheckError("cannot tell which layout, level and paper this PDF was built with", path=path,
                             hint="keep the name `handouts build` gave it: <topic>_<lang>_<level>_<layout>_<paper>.pdf")
    loaded = load_layout(layouts_dir, layout)
    if level not in loaded.levels:
        raise PageCheckError(f"layout '{layout}' has no level '{level}'", path=path,
                             hint=f"levels: {', '.join(l for l in LEVELS if l in loaded.levels)}")
    return Target(loaded, level, paper)


def _is_rtl(chars: list[dict]) -> bool:
    strong = [unicodedata.bidirectional(c["text"][0]) for c in chars if c["text"].strip()]
    rtl = sum(1 for b in strong if b in ("R", "AL"))
    ltr = sum(1 for b in strong if b == "L")
    return rtl > ltr


def _lines(chars: list[dict], body_size: float) -> tuple[Line, ...]:
    """Characters of one column grouped into lines by their baseline, top to bottom."""
    out: list[Line] = []
    group: list[dict] = []

    def close() -> None:
        if not group:
            return
        size = max(c["size"] for c in group)
        visible = [c for c in group if c["text"].strip()]
        bold = sum(1 for c in visible if "bold" in c["fontname"].lower())
        title = bool(visible) and bold * 2 > len(visible) and size >= body_size * 1.05
        text = "".join(c["text"] for c in sorted(group, key=lambda c: c["x0"]))
        out.append(Line(min(c["top"] for c in group), max(c["bottom"] for c in group), size, title, text))

    for char in sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if group and char["bottom"] - max(c["bottom"] for c in group) > min(char["size"], group[0]["size"]) * 0.45:
            close()
            group = []
        group.append(char)
    close()
    return tuple(out)


def _page_columns(page, target: Target, number: int, rtl: bool, origin: tuple[float, float],
                  first: bool) -> tuple[list[Column], list[dict]]:
    """The page's text columns in reading order, and the characters outside them (furniture)."""
    from handouts.pdf.pdfdoc import PageGeometry

    layout = target.layout
    width, height = layout.page_size(target.paper)
    geometry = PageGeometry(width, height, layout.level(target.level).columns, layout, rtl)
    m = layout.margins
    top = height - layout.cover_band_height - 8 * mm if first else height - m["top"] - layout.header_height
    bottom = m["bottom"] + layout.footer_height
    frames = geometry.columns_frames("c", top, bottom, number % 2 == 1)
    ox, oy = origin   # where this page's own (0, top) sits on the PDF page (a booklet's half sheet, a bleed)
    rects = [(f._x1 + ox, oy + (height - f._y1 - f._height), f._x1 + ox + f._width, oy + (height - f._y1))
             for f in frames]
    body = target.layout.level(target.level).body_size
    buckets: list[list[dict]] = [[] for _ in rects]
    outside: list[dict] = []
    for char in page.chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for index, (x0, y0, x1, y1) in enumerate(rects):
            if x0 - 2 <= cx <= x1 + 2 and y0 - 2 <= cy <= y1 + 2:
                buckets[index].append(char)
                break
        else:
            if ox - 1 <= cx <= ox + width + 1:
                outside.append(char)
    ink = [0.0 for _ in rects]
    for shape in (*page.rects, *page.lines, *page.curves):
        cx, cy = (shape["x0"] + shape["x1"]) / 2, (shape["top"] + shape["bottom"]) / 2
        for index, (x0, y0, x1, y1) in enumerate(rects):
            if x0 - 2 <= cx <= x1 + 2 and y0 - 2 <= cy <= y1 + 2:
                ink[index] = max(ink[index], min(shape["bottom"], y1))
                break
    columns = [Column(number, y0, y1, _lines(chars, body), foot)
               for (x0, y0, x1, y1), chars, foot in zip(rects, buckets, ink)]
    return columns, outside


def _logical_pages(pdf, target: Target) -> list[tuple[int, object, tuple[float, float]]]:
    """(page number, pdfplumber page or cropped half, origin) in the reader's order."""
    layout = target.layout
    pages = list(pdf.pages)
    offset = _trim_offset(pages[0]) if pages else (0.0, 0.0)
    if layout.imposition != "booklet":
        return [(i + 1, page, offset) for i, page in enumerate(pages)]
    from handouts.post.imposition import booklet_order

    width, height = layout.page_size(target.paper)
    halves: dict[int, tuple[object, tuple[float, float]]] = {}
    rtl = bool(pages) and _is_rtl(pages[0].chars)   # a right-to-left booklet is bound on the right
    for page, (left, right) in zip(pages, booklet_order(len(pages) * 2, rtl)):
        x_pad = (float(page.width) - 2 * width) / 2
        y_pad = (float(page.height) - height) / 2
        for number, x in ((left, x_pad), (right, x_pad + width)):
            halves[number] = (page.crop((x, y_pad, x + width, y_pad + height), strict=False), (x, y_pad))
    return [(n, halves[n][0], halves[n][1]) for n in sorted(halves)]


def _trim_offset(page) -> tuple[float, float]:
    """A bleed grows the page around the trimmed page: where the trim box starts (pdfplumber's top-down y)."""
    trim = page.page_obj.attrs.get("TrimBox")
    if not trim:
        return (0.0, 0.0)
    x0, y0, x1, y1 = (float(v) for v in (trim.resolve() if hasattr(trim, "resolve") else trim))
    return (x0, float(page.height) - y1)


def _small_text(path: Path, number: int, chars: Iterable[dict], floor: float, what: str, fix: str) -> list[Problem]:
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return []
    smallest = min(visible, key=lambda c: c["size"])
    if smallest["size"] >= floor - _FUZZ:
        return []
    sample = "".join(c["text"] for c in visible if abs(c["size"] - smallest["size"]) < 0.05)[:24]
    return [Problem(path, number, "small-text", f"{what} at {smallest['size']:.1f} pt (\"{sample}\"), under the "
                                                 f"floor of {floor:g} pt; {fix}")]


def _encrypted(path: Path) -> bool:
    import pikepdf

    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError:
        return True
    except Exception:   # unreadable for another reason: the caller's message says so
        return False
    return False


def check_pdf(path: Path, target: Target) -> list[Problem]:
    """Every page-quality problem of one PDF."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    password = os.environ.get("HANDOUTS_PDF_PASSWORD", "")   # an encrypted personal copy, as check --pdf
    try:
        pdf = pdfplumber.open(path, password=password)
    except (PdfminerException, PDFSyntaxError, OSError, ValueError) as exc:
        if _encrypted(path):
            raise PageCheckError("encrypted and the password does not open it", path=path,
                                 hint="set $HANDOUTS_PDF_PASSWORD to its password") from None
        raise PageCheckError(f"cannot read this PDF ({type(exc).__name__})", path=path,
                             hint="build it again with handouts build") from None
    with pdf:
        return _check(pdf, path, target)


def _check(pdf, path: Path, target: Target) -> list[Problem]:
    layout, level = target.layout, target.layout.level(target.level)
    problems: list[Problem] = []
    pages = _logical_pages(pdf, target)
    rtl = _is_rtl([c for _, page, _ in pages[:2] for c in page.chars])
    floors = layout.floors
    label_fix = (f"enlarge the figure or its labels (levels.{target.level}.label_floor in {layout.path.name})")
    text_fix = f"raise the style's size to the floor (floors.text in {layout.path.name})"
    furniture_fix = f"raise the header/footer size (floors.furniture in {layout.path.name})"
    flow: list[Column] = []
    for number, page, origin in pages:
        figure = [c for c in page.chars if c.get("tag") == "Figure"]
        rest = [c for c in page.chars if c.get("tag") != "Figure"]
        problems += _small_text(path, number, figure, level.label_floor, "a figure label", label_fix)
        problems += overlapping_words(path, number, page)
        problems += near_the_edge(path, number, page, target, origin)
        if layout.kind == "trifold":
            problems += _small_text(path, number, rest, floors.text, "text", text_fix)
            continue
        columns, outside = _page_columns(page, target, number, rtl, origin, number == 1)
        ids = {id(c) for c in outside}
        furniture = [c for c in rest if id(c) in ids or c.get("tag") == "Artifact"]
        text = [c for c in rest if id(c) not in ids and c.get("tag") != "Artifact"]
        if number > 1:   # the cover's band and summary have frames of their own
            problems += out_of_columns(path, number, [c for c in outside if c.get("tag") != "Artifact"],
                                       target, origin)
        problems += _small_text(path, number, furniture, floors.furniture, "header or footer text", furniture_fix)
        problems += _small_text(path, number, [c for c in text if number > 1 or c["top"] - origin[1] >
                                               layout.cover_band_height], floors.text, "text", text_fix)
        flow += columns
    if layout.kind == "trifold":
        return problems
    problems += stranded_titles(path, flow)
    problems += page_fill(path, flow, [n for n, _, _ in pages], booklet=layout.imposition == "booklet")
    return problems


def _core(word: dict) -> tuple[float, float, float, float]:
    """A word's box without its ascender and descender room (pdfplumber's boxes are the font size tall, so a
    title's descenders would otherwise "touch" a tight subtitle): what two words drawn over each other share."""
    pad = (word["bottom"] - word["top"]) * CORE_TRIM
    return word["x0"], word["top"] + pad, word["x1"], word["bottom"] - pad


def _has_letters(text: str) -> bool:
    """Whether a word holds a letter or digit. Shaped text (Arabic, Devanagari) reaches an extractor in pieces:
    marks and glyphs with no character of their own (private-use codes) that HarfBuzz placed over a letter on
    purpose; only pieces with letters can collide."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def overlapping_words(path: Path, number: int, page) -> list[Problem]:
    """Words whose cores overlap by more than OVERLAP of the smaller one both ways: drawn over each other."""
    words = sorted((_core(w) + (w["text"],) for w in page.extract_words(use_text_flow=False)
                    if _has_letters(w["text"])), key=lambda w: w[1])
    problems: list[Problem] = []
    for index, (x0, top, x1, bottom, text) in enumerate(words):
        for ox0, otop, ox1, obottom, other in words[index + 1:]:
            if otop >= bottom:
                break
            high = min(bottom, obottom) - max(top, otop)
            wide = min(x1, ox1) - max(x0, ox0)
            if high > OVERLAP * min(bottom - top, obottom - otop) and wide > OVERLAP * min(x1 - x0, ox1 - ox0) \
                    and wide > 1:
                problems.append(Problem(path, number, "overlap", f"\"{text[:20]}\" and \"{other[:20]}\" are drawn "
                                        "over each other: give the figure or the labels more room, or move one"))
                if len(problems) >= 3:   # a few name the place; a hundred would hide the rest of the report
                    return problems
    return problems


def near_the_edge(path: Path, number: int, page, target: Target, origin: tuple[float, float]) -> list[Problem]:
    """Text within EDGE of the trimmed page's edge (a booklet's page, a bleed's trim box)."""
    width, height = target.layout.page_size(target.paper)
    ox, oy = origin
    for char in page.chars:
        if not char["text"].strip():
            continue
        if (char["x0"] < ox + EDGE or char["x1"] > ox + width - EDGE
                or char["top"] < oy + EDGE or char["bottom"] > oy + height - EDGE):
            return [Problem(path, number, "off-frame", f"\"{char['text']}\" is printed within 3 mm of the "
                            "paper's edge, where printers cannot print and trimming cuts: keep it inside the "
                            f"margins of {target.layout.path.name}")]
    return []


def out_of_columns(path: Path, number: int, outside: list[dict], target: Target,
                   origin: tuple[float, float]) -> list[Problem]:
    """Body text (not furniture) between the header and the footer but outside every column: it ran out of its
    frame into the gutter or a side margin."""
    layout = target.layout
    height = layout.page_size(target.paper)[1]
    m = layout.margins
    oy = origin[1]
    top = oy + m["top"] + layout.header_height
    bottom = oy + height - m["bottom"] - layout.footer_height
    for char in outside:
        cy = (char["top"] + char["bottom"]) / 2
        if char["text"].strip() and top + 2 < cy < bottom - 2:
            return [Problem(path, number, "off-frame", f"\"{char['text']}\" at {char['x0']:.0f} pt from the left "
                            "is outside every column: it left its frame; make it fit the column's width")]
    return []


def stranded_titles(path: Path, flow: list[Column]) -> list[Problem]:
    """A title whose content starts in the next column or on the next page."""
    problems = []
    filled = [c for c in flow if c.lines]
    for column, following in zip(filled, filled[1:]):
        titles = [i for i, line in enumerate(column.lines) if line.title]
        if not titles:
            continue
        after = len(column.lines) - 1 - titles[-1]
        if after >= TITLE_MIN_LINES_AFTER or following.lines[0].title:
            continue
        line = column.lines[titles[-1]]
        where = "page" if following.page != column.page else "column"
        blank = 1 - column.fill
        problems.append(Problem(path, column.page, "stranded-title",
                                f"\"{line.text.strip()[:40]}\" ends the {where} with {after} line(s) of its content "
                                f"({blank:.0%} of the column blank under it); its content starts on "
                                f"page {following.page}: keep the title with its first lines"))
    return problems


def _page_fill(columns: list[Column]) -> float:
    return sum(c.fill for c in columns) / len(columns) if columns else 0.0


def page_fill(path: Path, flow: list[Column], numbers: list[int], *, booklet: bool = False) -> list[Problem]:
    """Pages that hold only furniture, and a last page less than a third full. A booklet's padding pages after
    the last text (notes pages) and its back cover are not judged here, nor the fill of its last page of text:
    notes pages follow it, and the back cover ends the booklet."""
    problems = []
    if booklet and len(numbers) > 1:
        numbers = numbers[:-1]   # the back cover: contact and dates, short by design
    by_page = {n: [c for c in flow if c.page == n] for n in numbers}
    # a booklet's padding pages hold at most a "Notes" title
    least = 2 if booklet else 1
    with_text = [n for n in numbers if sum(len(c.lines) for c in by_page[n]) >= least]
    last = with_text[-1] if with_text else numbers[-1]
    for n in numbers:
        if booklet and n > last:
            continue
        fill = _page_fill(by_page[n])
        if n != 1 and fill < EMPTY_PAGE_FILL:
            held = " ".join(line.text.strip() for c in by_page[n] for line in c.lines)[:40]
            problems.append(Problem(path, n, "empty-page", f"the page is {fill:.0%} full"
                                    + (f" (only \"{held}\")" if held else " (only header and footer)")
                                    + ": pull its text onto the page before"))
        elif n == last and n != 1 and not booklet and fill < LAST_PAGE_MIN_FILL:
            problems.append(Problem(path, n, "last-page-fill", f"the last page is {fill:.0%} full, under a third: "
                                    "loosen spacing or figures before it, or tighten them to end a page earlier"))
    return problems


def check_files(paths: Iterable[Path], layouts_dir: Path, *, layout: str | None = None, level: str | None = None,
                paper: str | None = None) -> list[Problem]:
    """The problems of every PDF given (a folder stands for every PDF under it)."""
    problems: list[Problem] = []
    for given in paths:
        files = sorted(given.rglob("*.pdf")) if given.is_dir() else [given]
        for file in files:
            problems += check_pdf(file, target_of(file, layouts_dir, layout, level, paper))
    return problems
