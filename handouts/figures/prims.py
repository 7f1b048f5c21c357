"""Shared drawing primitives: the frame a figure draws into, outlined
"capsule" shapes, arrows, tiles and badges.

Everything uses round joins and caps and the stroke widths from ``style`` so
all figures look like one family.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from reportlab.graphics.shapes import (Circle, Ellipse, Group, Line, Path,
                                       PolyLine, Polygon, Rect)
from reportlab.lib.colors import Color

from .style import BOLD, LINE, THIN, FigureStyle
from .text import CAP, fit_text, label as text_label

Point = tuple[float, float]


def rounded(shape, width: float = LINE, color: Color | None = None):
    """Give a shape the house stroke: round joins and caps."""
    shape.strokeLineJoin = 1
    shape.strokeLineCap = 1
    shape.strokeWidth = width
    if color is not None:
        shape.strokeColor = color
    return shape


class Frame:
    """The design-unit box a figure draws into.

    Art goes into ``art`` (mirrored as a whole for right-to-left languages when
    the figure asks for it); text goes into ``text`` at mirrored positions but
    is itself never mirrored.
    """

    def __init__(self, width: float, height: float, style: FigureStyle,
                 labels: Mapping[str, str], mirror: bool, min_label: float = 0.0) -> None:
        self.width = width
        self.min_label = min_label   # smallest label size in design units (FigureStyle.label_floor at this scale)
        self.height = height
        self.style = style
        self.pal = style.palette
        self.labels = labels
        self.mirror = mirror
        self.art = Group()
        self.text = Group()
        self._labels: list[_Label] = []
        self.below = 0.0   # how far labels reach under the art's foot (group() sets it): the figure grows

    def add(self, *shapes) -> None:
        """Add art (shapes or groups) in design coordinates."""
        for s in shapes:
            self.art.add(s)

    def x(self, x: float) -> float:
        """Design x as it will appear on the page (mirrored if RTL)."""
        return self.width - x if self.mirror else x

    def label(self, key: str, x: float, y: float, size: float = 10,
              anchor: str = "middle", bold: bool = False, **kw) -> None:
        """Place the text for ``key`` at design (x, y), mirroring the side. Drawn by group(), which first moves
        apart the labels of one column that the page's floor (min_label) has made overlap."""
        if self.mirror:
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        if self.min_label > size:
            size = self.min_label
        if self.min_label and (kw.get("min_size") or 0) < self.min_label:
            kw["min_size"] = self.min_label   # wrap, then squeeze: never smaller than the page's floor
        self._labels.append(_Label(self.labels[key], x, y, size, anchor, bold, kw))

    def leader(self, x1: float, y1: float, x2: float, y2: float,
               dot: bool = True) -> None:
        """A thin line from a label to what it names, with a dot at the end. A leader that starts at a label
        (within a few units of its x, at its y) moves with it."""
        line = rounded(Line(x1, y1, x2, y2, strokeColor=self.pal.line), THIN)
        self.add(line)
        if dot:
            self.add(Circle(x2, y2, 1.8, fillColor=self.pal.ink, strokeColor=None))
        for placed in reversed(self._labels):
            if placed.y == y1 and abs(placed.x - x1) <= LEADER_REACH:
                placed.leaders.append(line)
                break

    def group(self) -> Group:
        """The finished figure in design units."""
        self.below = separate_labels(self._labels, self.style, self.height)
        for placed in self._labels:
            self.text.add(text_label(placed.text, self.x(placed.x), placed.y + placed.shift, self.style,
                                     placed.size, placed.anchor, placed.bold, **placed.kw))
        self._labels = []
        art = self.art
        if self.mirror:
            art = Group(self.art, transform=(-1, 0, 0, 1, self.width, 0))
        return Group(art, self.text)


LEADER_REACH = 8.0   # design units between a label's anchor and the start of its leader
LABEL_GAP = 0.12     # × the label size: the least space between two labels of one column


@dataclass
class _Label:
    text: str
    x: float          # design x, before mirroring
    y: float
    size: float
    anchor: str
    bold: bool
    kw: dict
    shift: float = 0.0
    leaders: list = field(default_factory=list)

    def extent(self, style: FigureStyle) -> tuple[float, float]:
        """(bottom, top) of the label's block in design units, as text.label draws it."""
        font = style.bold_font if self.bold else style.font
        kw = self.kw
        fitted = fit_text(self.text, font, self.size, kw.get("max_width"), kw.get("max_lines", 2),
                          kw.get("min_size"), style.chain)
        height = fitted.height
        valign = kw.get("valign", "baseline")
        if valign == "middle":
            return self.y - height / 2, self.y + height / 2
        if valign == "top":
            return self.y - height, self.y
        return self.y - (height - fitted.size) - 0.25 * fitted.size, self.y + CAP * fitted.size


def separate_labels(labels: list[_Label], style: FigureStyle, height: float) -> float:
    """Labels stacked in one column (same x and side) are drawn at their design y unless a label raised to the
    page's floor (a small figure in Easy Read or large print) would overlap its neighbour: then each moves down
    just enough to clear the one above, and its leader's start moves with it; the leader still ends on what it
    names. A column pushed below the figure's foot moves back up as a whole, as far as the room above allows.
    Returns how far the lowest label still reaches below the foot (design units): the figure grows by that."""
    below = 0.0
    columns: dict[tuple[float, str], list[_Label]] = {}
    for placed in labels:
        columns.setdefault((round(placed.x, 1), placed.anchor), []).append(placed)
    for column in columns.values():
        if len(column) < 2:
            continue
        column.sort(key=lambda item: -item.y)
        extents = [item.extent(style) for item in column]
        above = None   # the foot of the label above, where it is drawn
        for item, (bottom, top) in zip(column, extents):
            if above is not None and top > above - LABEL_GAP * item.size:
                item.shift = above - LABEL_GAP * item.size - top
            above = bottom + item.shift
        lowest = min(bottom + item.shift for item, (bottom, _) in zip(column, extents))
        highest = max(top + item.shift for item, (_, top) in zip(column, extents))
        lift = min(-lowest, height - highest)
        if lowest < 0 and lift > 0:   # back up into the figure as a whole, as far as there is room above
            for item in column:
                item.shift += lift
        for item in column:
            if item.shift:
                for line in item.leaders:
                    line.y1 += item.shift
        below = max(below, -min(bottom + item.shift for item, (bottom, _) in zip(column, extents)))
    return below


# ---------------------------------------------------------------- capsules
@dataclass
class Capsule:
    """A thick round-capped polyline: limbs, torsos, fingers."""

    points: Sequence[Point]
    width: float
    fill: Color


@dataclass
class Disc:
    """A filled circle: heads, hands, joints."""

    center: Point
    r: float
    fill: Color


@dataclass
class Blob:
    """Any closed path (built by a function) drawn in the capsule passes."""

    make: object   # callable(fill, stroke_extra) -> shape
    fill: Color


def capsules(parts: Iterable[Capsule | Disc | Blob], ink: Color,
             outline: float = LINE) -> Group:
    """Draw parts as one silhouette: all outlines first, then all fills.

    Why: drawing every part's outline before any fill merges touching parts
    into one clean shape (no lines across a shoulder or a knee), which is what
    makes simple pictogram people read well.
    """
    parts = list(parts)
    g = Group()
    for p in parts:
        g.add(_part(p, ink, 2 * outline))
    for p in parts:
        g.add(_part(p, p.fill, 0))
    return g


def _part(p, color: Color, extra: float):
    if isinstance(p, Capsule):
        pts = [c for xy in p.points for c in xy]
        if len(p.points) == 1:
            x, y = p.points[0]
            return Circle(x, y, (p.width + extra) / 2, fillColor=color, strokeColor=None)
        return rounded(PolyLine(pts, strokeColor=color, fillColor=None),
                       p.width + extra)
    if isinstance(p, Disc):
        return Circle(p.center[0], p.center[1], p.r + extra / 2,
                      fillColor=color, strokeColor=None)
    shape = p.make()
    shape.fillColor = color
    if extra:
        rounded(shape, extra, color)
    else:
        shape.strokeColor = None
    return shape


# ------------------------------------------------------------------ paths
def smooth_closed(points: Sequence[Point], tension: float = 0.5) -> Path:
    """A closed smooth curve through ``points`` (Catmull-Rom to Bézier)."""
    n = len(points)
    path = Path()
    path.moveTo(*points[0])
    for i in range(n):
        p0, p1 = points[i - 1], points[i]
        p2, p3 = points[(i + 1) % n], points[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) * tension / 3, p1[1] + (p2[1] - p0[1]) * tension / 3)
        c2 = (p2[0] - (p3[0] - p1[0]) * tension / 3, p2[1] - (p3[1] - p1[1]) * tension / 3)
        path.curveTo(c1[0], c1[1], c2[0], c2[1], p2[0], p2[1])
    path.closePath()
    return path


def smooth_open(points: Sequence[Point], tension: float = 0.5) -> Path:
    """An open smooth curve through ``points``."""
    n = len(points)
    path = Path(fillColor=None)
    path.moveTo(*points[0])
    for i in range(n - 1):
        p0 = points[max(i - 1, 0)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(i + 2, n - 1)]
        c1 = (p1[0] + (p2[0] - p0[0]) * tension / 3, p1[1] + (p2[1] - p0[1]) * tension / 3)
        c2 = (p2[0] - (p3[0] - p1[0]) * tension / 3, p2[1] - (p3[1] - p1[1]) * tension / 3)
        path.curveTo(c1[0], c1[1], c2[0], c2[1], p2[0], p2[1])
    return path


def curve_through(path: Path, pts) -> None:
    """Append a smooth curve through pts (path already at pts[0])."""
    sm = smooth_open(pts, 0.6)
    # copy curve operators (skip its initial moveTo)
    ops, coords = sm.operators, sm.points
    k = 2
    for op in ops[1:]:
        if op == 2:   # curveTo
            path.curveTo(*coords[k:k + 6])
            k += 6
        elif op == 1:
            path.lineTo(*coords[k:k + 2])
            k += 2


def smooth_top_block(pts) -> Path:
    """Straight block edges with a smooth top (pts: left-bottom, curve..., right-bottom)."""
    p = Path()
    p.moveTo(*pts[0])
    p.lineTo(*pts[1])
    curve_through(p, pts[1:-1])
    p.lineTo(*pts[-1])
    p.closePath()
    return p


def filled(shape, fill: Color | None, ink: Color | None, width: float = LINE):
    """Fill + house outline in one call."""
    shape.fillColor = fill
    if ink is None:
        shape.strokeColor = None
    else:
        rounded(shape, width, ink)
    return shape


def line(x1: float, y1: float, x2: float, y2: float, color: Color,
         width: float = LINE) -> Line:
    return rounded(Line(x1, y1, x2, y2, strokeColor=color), width)


def polyline(points: Sequence[Point], color: Color, width: float = LINE) -> PolyLine:
    return rounded(PolyLine([c for xy in points for c in xy], strokeColor=color,
                            fillColor=None), width)


# ----------------------------------------------------------------- arrows
def arrow_head(tip: Point, angle: float, color: Color, size: float = 6) -> Polygon:
    """A filled triangular head at ``tip`` pointing along ``angle`` (radians)."""
    back = (tip[0] - size * math.cos(angle), tip[1] - size * math.sin(angle))
    nx, ny = -math.sin(angle) * size * 0.55, math.cos(angle) * size * 0.55
    pts = [tip[0], tip[1], back[0] + nx, back[1] + ny, back[0] - nx, back[1] - ny]
    return rounded(Polygon(pts, fillColor=color, strokeColor=color), THIN)


def arrow(x1: float, y1: float, x2: float, y2: float, color: Color,
          width: float = BOLD, head: float = 6, double: bool = False) -> Group:
    """A straight arrow from (x1, y1) to (x2, y2)."""
    a = math.atan2(y2 - y1, x2 - x1)
    shorten = head * 0.6
    sx = x1 + (shorten * math.cos(a) if double else 0)
    sy = y1 + (shorten * math.sin(a) if double else 0)
    g = Group(line(sx, sy, x2 - shorten * math.cos(a), y2 - shorten * math.sin(a),
                   color, width))
    g.add(arrow_head((x2, y2), a, color, head))
    if double:
        g.add(arrow_head((x1, y1), a + math.pi, color, head))
    return g


def curved_arrow(p0: Point, c: Point, p1: Point, color: Color,
                 width: float = BOLD, head: float = 6) -> Group:
    """A quadratic-curve arrow from p0 via control c to p1."""
    c1 = (p0[0] + 2 / 3 * (c[0] - p0[0]), p0[1] + 2 / 3 * (c[1] - p0[1]))
    c2 = (p1[0] + 2 / 3 * (c[0] - p1[0]), p1[1] + 2 / 3 * (c[1] - p1[1]))
    a = math.atan2(p1[1] - c2[1], p1[0] - c2[0])
    end = (p1[0] - head * 0.6 * math.cos(a), p1[1] - head * 0.6 * math.sin(a))
    path = Path(fillColor=None, strokeColor=color)
    path.moveTo(*p0)
    path.curveTo(c1[0], c1[1], c2[0], c2[1], end[0], end[1])
    return Group(rounded(path, width), arrow_head(p1, a, color, head))


# ------------------------------------------------------------------ tiles
def tile(f: Frame, fill: Color | None = None) -> None:
    """The calm rounded tile every pictogram sits on (same size everywhere)."""
    w, h = f.width, f.height
    f.add(Rect(4, 4, w - 8, h - 8, rx=18, ry=18,
               fillColor=fill or f.pal.soft, strokeColor=None))


def warning_badge(f: Frame) -> None:
    """Warning style for red flags: red-ringed circle + small '!' triangle.

    The '!' is drawn, not typed, so it needs no font and no translation.
    """
    pal = f.pal
    cx, cy, r = f.width / 2, f.height / 2, min(f.width, f.height) / 2 - 8
    f.add(Circle(cx, cy, r, fillColor=pal.paper, strokeColor=pal.warning,
                 strokeWidth=6))
    # small triangle at top right, outside the art area of the circle
    tx, ty, s = cx + r * 0.74, cy + r * 0.74, 17
    tri = Polygon([tx - s, ty - s * 0.8, tx + s, ty - s * 0.8, tx, ty + s * 0.95],
                  fillColor=pal.warning, strokeColor=pal.paper)
    f.add(rounded(tri, 2.5, pal.paper), rounded(
        Polygon([tx - s, ty - s * 0.8, tx + s, ty - s * 0.8, tx, ty + s * 0.95],
                fillColor=pal.warning, strokeColor=pal.warning), 2))
    f.add(Rect(tx - 1.7, ty - s * 0.2, 3.4, s * 0.75, rx=1.5, ry=1.5,
               fillColor=pal.paper, strokeColor=None),
          Circle(tx, ty - s * 0.47, 2.0, fillColor=pal.paper, strokeColor=None))


def ellipse(cx: float, cy: float, rx: float, ry: float, fill: Color | None,
            ink: Color | None, width: float = LINE) -> Ellipse:
    return filled(Ellipse(cx, cy, rx, ry), fill, ink, width)


def rect(x: float, y: float, w: float, h: float, fill: Color | None,
         ink: Color | None, r: float = 0, width: float = LINE) -> Rect:
    return filled(Rect(x, y, w, h, rx=r, ry=r), fill, ink, width)


def circle(cx: float, cy: float, r: float, fill: Color | None,
           ink: Color | None, width: float = LINE) -> Circle:
    return filled(Circle(cx, cy, r), fill, ink, width)


def polygon(points: Sequence[Point], fill: Color | None, ink: Color | None,
            width: float = LINE) -> Polygon:
    return filled(Polygon([c for xy in points for c in xy]), fill, ink, width)
