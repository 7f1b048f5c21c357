"""Layouts as data: read a layouts/<name>.yaml file into a validated Layout.

The schema (handouts/config/schema.py) checks each field with a message that names the file and the field, so a
designer who edits a layout gets told exactly what is wrong; this module adds what needs the whole layout (the
frames text is set in, a tri-fold's panels) and converts lengths to points. Colours stay hex strings.

A loaded layout is kept in the disk cache (handouts.diskcache) by the text of its file: a cold process that reads
an unchanged layout imports neither the YAML parser nor the schemas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import inch, mm

from handouts.confine import confined
from handouts.diskcache import remembered
from handouts.errors import LayoutError, UsageError
from handouts.content.model import LEVELS
from handouts.content.reader import SCHEMA_LIBRARIES, parse_yaml, read_text
from handouts.suggest import closest

if TYPE_CHECKING:
    from handouts.config.schema import LevelLayout, PanelEntry

__all__ = ["BLOCK_KINDS", "IMPOSITIONS", "KINDS", "Layout", "LevelStyle", "Panel", "SectionPick", "PAPERS",
           "PAGE_SIZES", "check_geometry", "gray_of", "layout_names", "load_layout", "parse_length", "rgb"]



def __getattr__(name: str) -> Any:
    """The schema's names of kinds, impositions and block kinds, imported from it when first asked for."""
    if name in ("BLOCK_KINDS", "IMPOSITIONS", "KINDS"):
        from handouts.config import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
# Page sizes a layout may draw on before imposition (booklet pages are imposed two-up on the paper).
PAGE_SIZES: dict[str, tuple[float, float]] = {**PAPERS, "a5": A5, "half-letter": (5.5 * inch, 8.5 * inch)}
MIN_COLUMN_WIDTH = 40 * mm   # narrower than this, a column holds two or three words of body text a line


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
    hyphenate: bool = False     # long words may break at a hyphen (narrow columns; handouts.pdf.styles)


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
    colours: dict[str, str]     # hex colours ('#1f5f8b'); the PDF writer makes reportlab colours of them
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
    brand: dict[str, float] = field(default_factory=dict)  # colour -> share of a clinic's accent mixed into white
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


def rgb(colour: str) -> tuple[float, float, float]:
    """'#1f5f8b' as red, green and blue from 0 to 1."""
    value = colour.lstrip("#")
    return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255


def gray_of(colour: str) -> str:
    """The gray a printer would use: same relative luminance (Rec. 709 weights), so contrasts survive."""
    red, green, blue = rgb(colour)
    level = round((0.2126 * red + 0.7152 * green + 0.0722 * blue) * 255)
    return f"#{level:02x}{level:02x}{level:02x}"


def parse_length(value: str, *, where: str) -> float:
    """A length such as '3mm' in points, for options given on the command line; never negative."""
    from handouts.config.schema import points

    try:
        length = points(value)
    except ValueError:
        raise UsageError(f"{where}: {value!r} is not a length (write e.g. 3mm or 0.125in)") from None
    if length < 0:
        raise UsageError(f"{where}: {value!r} is negative (write e.g. 3mm or 0.125in)")
    return length


def layout_names(layouts_dir: Path) -> list[str]:
    if not layouts_dir.is_dir():
        raise LayoutError("layouts directory not found", path=layouts_dir, hint="pass --layouts DIR")
    return sorted(p.stem for p in layouts_dir.glob("*.yaml") if p.stem != "fonts")


def load_layout(layouts_dir: Path, name: str) -> Layout:
    names = layout_names(layouts_dir)
    if name not in names:
        raise UsageError(f"unknown layout '{name}'{closest(name, names)}; layouts: {', '.join(names)}")
    path = confined(layouts_dir, f"{name}.yaml", what="layout file", source=layouts_dir, error=LayoutError)
    text = read_text(path)
    return remembered("layout", [name, str(path), text], lambda: _parse_layout(name, path, text),
                      libraries=(*SCHEMA_LIBRARIES, "reportlab"))


def _parse_layout(name: str, path: Path, text: str) -> Layout:
    from handouts.config.schema import LayoutFile, points
    from handouts.content.schema import validate

    data = parse_yaml(text, path=path)
    if isinstance(data, Mapping) and "sections" in data:
        raise LayoutError("field 'sections' is no longer read: a topic lists its own sections (topic.yaml), page "
                          "layouts show them all and a tri-fold's panels name sections by role", path=path,
                          hint="remove 'sections' from the layout")
    f = validate(LayoutFile, data, path=path, error=LayoutError)
    kind = f.kind
    levels = {level: _level_style(style) for level in LEVELS if (style := getattr(f.levels, level)) is not None}
    if kind == "trifold" and f.panels is None:
        raise LayoutError("field 'panels' is missing: a tri-fold lists its six panels", path=path)
    layout = Layout(
        name=name,
        path=path,
        description=f.description,
        papers=tuple(f.papers),
        margins={side: points(getattr(f.margins, side)) for side in ("top", "bottom", "inside", "outside")},
        header_height=points(f.header.height),
        footer_height=points(f.footer.height),
        gutter=points(f.gutter),
        colours=f.colours.model_dump(),
        cover_band_height=points(f.cover.band_height),
        cover_summary=f.cover.summary,
        levels=levels,
        kind=kind,
        orientation=f.orientation or ("landscape" if kind == "trifold" else "portrait"),
        page_sizes=dict(f.page_sizes) if f.page_sizes is not None else None,
        imposition=f.imposition,
        panels=_panels(f.panels or [], path) if kind == "trifold" else (),
        fold_marks=f.fold_marks if f.fold_marks is not None else kind == "trifold",
        floors=TypeFloors(text=f.floors.text, furniture=f.floors.furniture),
        brand=dict(f.brand),
    )
    check_geometry(layout)
    return layout


def _level_style(style: LevelLayout) -> LevelStyle:
    from handouts.config.schema import points

    return LevelStyle(body_size=style.body_size, leading=style.leading, columns=style.columns,
                      heading_scale=(float(style.heading_scale[0]), float(style.heading_scale[1])),
                      figure_width=style.figure_width, picture_width=points(style.picture_width),
                      space_after=style.space_after, label_floor=style.label_floor, hyphenate=style.hyphenate)


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


def _panels(entries: list[PanelEntry], path: Path) -> tuple[Panel, ...]:
    """The schema checked each panel; a sheet also uses each (side, slot) once and shows the red flags."""
    panels = []
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(entries):
        if (entry.side, entry.slot) in seen:
            raise LayoutError(f"field 'panels[{index}]': side must be outside or inside, and each (side, slot) "
                              "used once", path=path)
        seen.add((entry.side, entry.slot))
        picks = tuple(SectionPick(pick.role, tuple(pick.blocks)) for pick in entry.sections)
        panels.append(Panel(entry.id, entry.side, entry.slot, tuple(entry.content), picks))
    if not any(pick.role == "red-flags" for panel in panels for pick in panel.sections):
        raise LayoutError("field 'panels': no panel shows the red-flags section (when to get help)", path=path,
                          hint="add '{role: red-flags, blocks: [warning]}' to a panel the reader sees folded")
    return tuple(panels)
