"""Layouts as data: read a layouts/<name>.yaml file into a validated Layout.

Like mkdocs' config options, each field is checked with a message that names the file and the field, so a
designer who edits a layout gets told exactly what is wrong.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import cm, inch, mm

from handouts.confine import confined
from handouts.errors import LayoutError, UsageError
from handouts.content.model import LEVELS, ROLES
from handouts.content.reader import load_yaml
from handouts.suggest import closest

PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
# Page sizes a layout may draw on before imposition (booklet pages are imposed two-up on the paper).
PAGE_SIZES: dict[str, tuple[float, float]] = {**PAPERS, "a5": A5, "half-letter": (5.5 * inch, 8.5 * inch)}
KINDS = ("pages", "trifold")
IMPOSITIONS = ("none", "booklet")
BLOCK_KINDS = ("all", "summary", "keypoints", "warning", "checklist", "figures", "lists", "paragraphs",
               "pictures")
_UNITS = {"mm": mm, "cm": cm, "in": inch, "pt": 1.0, "": 1.0}
MIN_COLUMN_WIDTH = 40 * mm   # narrower than this, a column holds two or three words of body text a line
HEADING_SCALE_RANGE = (0.5, 6.0)
_LENGTH_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*$")


@dataclass(frozen=True)
class LevelStyle:
    body_size: float
    leading: float
    columns: int
    heading_scale: tuple[float, float]
    figure_width: float
    picture_width: float
    space_after: float
    label_floor: float = 8.0    # smallest words inside a figure, in pt: labels are redrawn, never shrunk past it


@dataclass(frozen=True)
class TypeFloors:
    """The smallest type a reader of this layout gets, in pt. Styles never go below them and `handouts check
    --pages` holds every PDF to them (figure labels have a floor per level, LevelStyle.label_floor)."""

    text: float = 8.0         # any text set in the frames: small print, captions
    furniture: float = 8.0    # running header, footer and page numbers


@dataclass(frozen=True)
class SectionPick:
    """A section placed by a layout by its role (the topic says which section has it), optionally only some of its
    blocks (a trifold has room for less)."""

    role: str
    blocks: tuple[str, ...] = ("all",)


@dataclass(frozen=True)
class Panel:
    """One panel of a folded sheet: where it sits and what it holds."""

    id: str
    side: str          # "outside" or "inside" of the sheet
    slot: int          # 0, 1, 2 from the left edge of that side
    content: tuple[str, ...]   # special blocks: cover, contact, about
    sections: tuple[SectionPick, ...]


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    description: str
    papers: tuple[str, ...]
    margins: dict[str, float]
    header_height: float
    footer_height: float
    gutter: float
    colours: dict[str, colors.Color]
    cover_band_height: float
    cover_summary: bool
    levels: dict[str, LevelStyle]
    kind: str = "pages"
    orientation: str = "portrait"
    page_sizes: dict[str, str] | None = None   # paper -> page size drawn on, before imposition
    imposition: str = "none"
    panels: tuple[Panel, ...] = ()
    fold_marks: bool = False
    floors: TypeFloors = TypeFloors()
    grayscale: bool = False     # print options, set per build (--grayscale, --bleed), not in the YAML
    bleed: float = 0.0

    def for_print(self, *, grayscale: bool = False, bleed: float = 0.0) -> "Layout":
        """The layout with a build's print options: gray colours of the same lightness, and a bleed."""
        colours = {key: gray_of(value) for key, value in self.colours.items()} if grayscale else self.colours
        return replace(self, colours=colours, grayscale=grayscale, bleed=bleed)

    @property
    def roles(self) -> frozenset[str]:
        """The section roles this layout needs a topic to have: a tri-fold places its panels' sections by role;
        a page layout shows every section of the topic in the topic's order."""
        return frozenset(pick.role for panel in self.panels for pick in panel.sections)

    def level(self, name: str) -> LevelStyle:
        return self.levels[name]

    def page_size(self, paper: str) -> tuple[float, float]:
        """The size pages are drawn at: the paper itself, landscape for folded sheets, or the booklet page."""
        name = (self.page_sizes or {}).get(paper, paper)
        width, height = PAGE_SIZES[name]
        return (max(width, height), min(width, height)) if self.orientation == "landscape" else (width, height)

    def sheet_size(self, paper: str) -> tuple[float, float]:
        """The size of the printed sheet; booklets impose two pages side by side on a landscape sheet."""
        width, height = PAPERS[paper]
        if self.imposition == "booklet" or self.orientation == "landscape":
            return max(width, height), min(width, height)
        return width, height


def hex_colour(colour: colors.Color) -> str:
    """'#1f5f8b': how reportlab markup, HTML and CSS spell a layout colour."""
    return "#" + colour.hexval()[2:].lower()


def gray_of(colour: colors.Color) -> colors.Color:
    """The gray a printer would use: same relative luminance (Rec. 709 weights), so contrasts survive."""
    level = 0.2126 * colour.red + 0.7152 * colour.green + 0.0722 * colour.blue
    return colors.Color(level, level, level)


def parse_length(value: str, *, where: str) -> float:
    """A length such as '3mm' in points, for options given on the command line; never negative."""
    match = _LENGTH_RE.match(str(value))
    if not match:
        raise UsageError(f"{where}: {value!r} is not a length (write e.g. 3mm or 0.125in)")
    length = float(match[1]) * _UNITS[match[2] or ""]
    if length < 0:
        raise UsageError(f"{where}: {value!r} is negative (write e.g. 3mm or 0.125in)")
    return length


def layout_names(layouts_dir: Path) -> list[str]:
    if not layouts_dir.is_dir():
        raise LayoutError("layouts directory not found", path=layouts_dir, hint="pass --layouts DIR")
    return sorted(p.stem for p in layouts_dir.glob("*.yaml") if p.stem != "fonts")


class _Fields:
    """Reads typed fields from one mapping, naming file and dotted field in every error."""

    def __init__(self, data: Any, path: Path, prefix: str = "") -> None:
        if not isinstance(data, Mapping):
            raise LayoutError(f"'{prefix or 'layout'}' should be a mapping", path=path)
        self.data, self.path, self.prefix = data, path, prefix

    def where(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise LayoutError(f"missing field '{self.where(key)}'", path=self.path,
                                  hint="see layouts/leaflet.yaml for an example")
            return default
        return self.data[key]

    def sub(self, key: str, default: Any = ...) -> "_Fields":
        return _Fields(self.raw(key, default), self.path, self.where(key))

    def length(self, key: str, default: Any = ...) -> float:
        """A length in points; negative or infinite lengths are refused (they clip or overlap text)."""
        value = self.raw(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            length = float(value)
        else:
            match = _LENGTH_RE.match(str(value))
            if not match:
                raise LayoutError(f"field '{self.where(key)}' is not a length: {value!r}", path=self.path,
                                  hint="write e.g. 18mm, 0.5in or 12pt")
            length = float(match[1]) * _UNITS[match[2] or ""]
        if not math.isfinite(length) or length < 0:
            raise LayoutError(f"field '{self.where(key)}' should be a length of zero or more, not {value!r}",
                              path=self.path, hint="write e.g. 18mm, 0.5in or 12pt")
        return length

    def number(self, key: str, default: Any = ..., low: float = 0, high: float = 1e6) -> float:
        value = self.raw(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
            raise LayoutError(f"field '{self.where(key)}' should be a number from {low} to {high}, not {value!r}",
                              path=self.path)
        return float(value)

    def whole(self, key: str, default: Any = ..., low: int = 0, high: int = 100) -> int:
        value = self.number(key, default, low, high)
        if value != int(value):
            raise LayoutError(f"field '{self.where(key)}' should be a whole number, not {value!r}", path=self.path)
        return int(value)

    def colour(self, key: str) -> colors.Color:
        value = self.raw(key)
        if not isinstance(value, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise LayoutError(f"field '{self.where(key)}' should be a colour like '#1f5f8b', not {value!r}",
                              path=self.path)
        return colors.HexColor(value)


def load_layout(layouts_dir: Path, name: str) -> Layout:
    names = layout_names(layouts_dir)
    if name not in names:
        raise UsageError(f"unknown layout '{name}'{closest(name, names)}; layouts: {', '.join(names)}")
    path = confined(layouts_dir, f"{name}.yaml", what="layout file", source=layouts_dir, error=LayoutError)
    f = _Fields(load_yaml(path), path)
    papers = f.raw("papers")
    if not isinstance(papers, list) or not papers or any(p not in PAPERS for p in papers):
        raise LayoutError(f"field 'papers' should list some of {', '.join(PAPERS)}", path=path)
    margins = f.sub("margins")
    colours = f.sub("colours")
    needed_colours = ("ink", "muted", "accent", "accent_text", "tint", "warning", "warning_tint", "rule")
    levels = f.sub("levels")
    level_styles: dict[str, LevelStyle] = {}
    for level in LEVELS:
        if level not in levels.data:
            continue
        lv = levels.sub(level)
        scale = lv.raw("heading_scale", [1.5, 1.2])
        low, high = HEADING_SCALE_RANGE
        if not (isinstance(scale, list) and len(scale) == 2 and all(isinstance(x, (int, float)) and
                                                                    not isinstance(x, bool) and low <= x <= high
                                                                    for x in scale)):
            raise LayoutError(f"field '{lv.where('heading_scale')}' should be two numbers [h2, h3] from {low} to "
                              f"{high}, not {scale!r}", path=path)
        level_styles[level] = LevelStyle(
            body_size=lv.number("body_size", low=6, high=40),
            leading=lv.number("leading", low=1.0, high=3.0),
            columns=lv.whole("columns", 1, low=1, high=3),
            heading_scale=(float(scale[0]), float(scale[1])),
            figure_width=lv.number("figure_width", 1.0, low=0.1, high=1.0),
            picture_width=lv.length("picture_width", "30mm"),
            space_after=lv.number("space_after", 0.5, low=0, high=3),
            label_floor=lv.number("label_floor", 8.0, low=4, high=40),
        )
    for extra in levels.data:
        if extra not in LEVELS:
            raise LayoutError(f"unknown level '{extra}'{closest(str(extra), LEVELS)} in 'levels'", path=path)
    if not level_styles:
        raise LayoutError("field 'levels' defines no reading level", path=path,
                          hint=f"add at least one of: {', '.join(LEVELS)}")
    if "sections" in f.data:
        raise LayoutError("field 'sections' is no longer read: a topic lists its own sections (topic.yaml), page "
                          "layouts show them all and a tri-fold's panels name sections by role", path=path,
                          hint="remove 'sections' from the layout")
    cover = f.sub("cover", {})
    kind = f.raw("kind", "pages")
    if kind not in KINDS:
        raise LayoutError(f"field 'kind' is {kind!r}{closest(str(kind), KINDS)}", path=path,
                          hint=f"use one of: {', '.join(KINDS)}")
    orientation = f.raw("orientation", "landscape" if kind == "trifold" else "portrait")
    if orientation not in ("portrait", "landscape"):
        raise LayoutError(f"field 'orientation' is {orientation!r}", path=path, hint="use portrait or landscape")
    imposition = f.raw("imposition", "none")
    if imposition not in IMPOSITIONS:
        raise LayoutError(f"field 'imposition' is {imposition!r}", path=path,
                          hint=f"use one of: {', '.join(IMPOSITIONS)}")
    page_sizes = f.raw("page_sizes", None)
    if page_sizes is not None:
        if not isinstance(page_sizes, dict) or any(k not in PAPERS or v not in PAGE_SIZES
                                                   for k, v in page_sizes.items()):
            raise LayoutError("field 'page_sizes' should map papers to page sizes, e.g. {a4: a5}", path=path,
                              hint=f"page sizes: {', '.join(PAGE_SIZES)}")
    panels = _panels(f, path) if kind == "trifold" else ()
    floors = f.sub("floors", {})
    for extra in floors.data:
        if extra not in ("text", "furniture"):
            raise LayoutError(f"unknown field 'floors.{extra}'{closest(str(extra), ('text', 'furniture'))}",
                              path=path, hint="floors has text and furniture (pt); figure labels: "
                                              "levels.<level>.label_floor")
    layout = Layout(
        name=name,
        path=path,
        description=str(f.raw("description", "")),
        papers=tuple(papers),
        margins={side: margins.length(side) for side in ("top", "bottom", "inside", "outside")},
        header_height=f.sub("header").length("height"),
        footer_height=f.sub("footer").length("height"),
        gutter=f.length("gutter", "6mm"),
        colours={key: colours.colour(key) for key in needed_colours},
        cover_band_height=cover.length("band_height", "40mm"),
        cover_summary=bool(cover.raw("summary", True)),
        levels=level_styles,
        kind=kind,
        orientation=orientation,
        page_sizes=page_sizes,
        imposition=imposition,
        panels=panels,
        fold_marks=bool(f.raw("fold_marks", kind == "trifold")),
        floors=TypeFloors(text=floors.number("text", 8.0, low=4, high=40),
                          furniture=floors.number("furniture", 8.0, low=4, high=40)),
    )
    check_geometry(layout)
    return layout


def _mm(points: float) -> str:
    return f"{points / mm:.0f} mm"


@dataclass(frozen=True)
class _Frame:
    what: str
    width: float
    height: float
    width_fields: str    # what to change when it is too narrow
    height_fields: str   # ... too short


def _frames(layout: Layout, paper: str) -> list[_Frame]:
    """The smallest frames text is set in on this paper: page, cover and a column of each level."""
    width, height = layout.page_size(paper)
    m = layout.margins
    sides = "margins.inside or margins.outside"
    if layout.kind == "trifold":
        panel = (width + 1.5 * mm) / 3 - 1.5 * mm   # the tucked flap, the narrowest panel (see trifold.py)
        return [_Frame("a panel", panel - m["inside"] - m["outside"], height - m["top"] - m["bottom"], sides,
                       "margins.top or margins.bottom")]
    usable = width - m["inside"] - m["outside"]
    body = height - m["top"] - layout.header_height - m["bottom"] - layout.footer_height
    cover = height - layout.cover_band_height - 8 * mm - m["bottom"] - layout.footer_height
    frames = [_Frame("the page", usable, body, sides, "margins.top, margins.bottom, header.height or footer.height"),
              _Frame("the cover", usable, cover, sides, "cover.band_height, margins.bottom or footer.height")]
    for level, style in layout.levels.items():
        if style.columns > 1:
            column = (usable - layout.gutter * (style.columns - 1)) / style.columns
            frames.append(_Frame(f"a column of levels.{level}", column, body,
                                 f"{sides}, gutter or levels.{level}.columns", frames[0].height_fields))
    return frames


def check_geometry(layout: Layout) -> None:
    """Margins, bands and type sizes must leave frames that text fits in, on every paper: at least
    MIN_COLUMN_WIDTH wide, and tall enough for the largest heading with a few lines of text after it (a section
    starts with a heading that keeps with five lines, see flowables.section_flowables)."""
    for paper in layout.papers:
        frames = _frames(layout, paper)
        for frame in frames:
            if frame.width < MIN_COLUMN_WIDTH:
                raise LayoutError(f"on {paper}, {frame.what} is {_mm(frame.width)} wide, less than "
                                  f"{_mm(MIN_COLUMN_WIDTH)}", path=layout.path, hint=f"change {frame.width_fields}")
        for level, style in layout.levels.items():
            size = style.body_size
            h2 = size * style.heading_scale[0]
            need = h2 * 1.2 + size * (0.9 + 0.45) + 6 * size * style.leading
            for frame in frames:
                if frame.height < need:
                    raise LayoutError(
                        f"on {paper}, {frame.what} is {_mm(frame.height)} tall; levels.{level} needs {_mm(need)} "
                        f"for a heading and the lines that keep with it", path=layout.path,
                        hint=f"change {frame.height_fields}, or levels.{level}.body_size, leading or heading_scale")


def _section_pick(entry: Any, where: str, path: Path) -> SectionPick:
    if isinstance(entry, str):
        entry = {"role": entry}
    if not isinstance(entry, Mapping) or entry.get("role") not in ROLES:
        name = entry.get("role", entry.get("id")) if isinstance(entry, Mapping) else entry
        raise LayoutError(f"{where} names unknown section role {name!r}{closest(str(name), ROLES)}", path=path,
                          hint=f"panels place sections by role: {', '.join(ROLES)}")
    blocks = entry.get("blocks", ["all"])
    if not isinstance(blocks, list) or any(b not in BLOCK_KINDS for b in blocks):
        raise LayoutError(f"{where}: 'blocks' should list some of {', '.join(BLOCK_KINDS)}", path=path)
    return SectionPick(entry["role"], tuple(blocks))


def _panels(f: _Fields, path: Path) -> tuple[Panel, ...]:
    raw = f.raw("panels")
    if not isinstance(raw, list) or len(raw) != 6:
        raise LayoutError("field 'panels' should list the six panels of a tri-fold", path=path)
    panels = []
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(raw):
        p = _Fields(entry, path, f"panels[{index}]")
        side = p.raw("side")
        slot = int(p.number("slot", low=0, high=2))
        if side not in ("outside", "inside") or (side, slot) in seen:
            raise LayoutError(f"field 'panels[{index}]': side must be outside or inside, and each (side, slot) "
                              "used once", path=path)
        seen.add((side, slot))
        content = p.raw("content", [])
        if not isinstance(content, list) or any(c not in ("cover", "contact", "about") for c in content):
            raise LayoutError(f"field 'panels[{index}].content' may list cover, contact, about", path=path)
        picks = tuple(_section_pick(e, f"panels[{index}].sections", path) for e in p.raw("sections", []))
        panels.append(Panel(str(p.raw("id")), side, slot, tuple(content), picks))
    if not any(pick.role == "red-flags" for panel in panels for pick in panel.sections):
        raise LayoutError("field 'panels': no panel shows the red-flags section (when to get help)", path=path,
                          hint="add '{role: red-flags, blocks: [warning]}' to a panel the reader sees folded")
    return tuple(panels)
