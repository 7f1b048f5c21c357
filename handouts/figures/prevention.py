"""Prevention pictograms: posture and lifting, core strength, healthy weight.

Neutral on purpose: healthy weight is shown as a balanced plate, not a body."""
from __future__ import annotations

import math

from reportlab.graphics.shapes import Group, Wedge

from .people import Pose, look, person
from .prims import (Capsule, Disc, Frame, capsules, circle, ellipse, filled, line,
                    polyline, rect, rounded, smooth_closed, tile)
from .selfcare import GROUND, ground
from .style import BOLD, LINE, THIN
from .spec import figure


def check_badge(f: Frame, cx: float, cy: float, r: float = 12) -> None:
    """A small 'good' tick in a circle (drawn, no text)."""
    pal = f.pal
    f.add(circle(cx, cy, r, pal.accent, pal.ink, THIN))
    f.add(polyline([(cx - r * 0.45, cy), (cx - r * 0.1, cy - r * 0.38), (cx + r * 0.5, cy + r * 0.4)],
                   pal.paper, 2.6))


@figure("prevent-posture")
def draw_posture(f: Frame) -> None:
    """Lifting with bent knees and a straight back, the box held close."""
    pal = f.pal
    tile(f)
    ground(f)
    g = GROUND
    box = rect(86, g + 28, 30, 26, pal.warm, pal.ink, 3)
    p = Pose(head=(68, g + 96), neck=(64, g + 81), hip=(56, g + 42),
             far_arm=[(64, g + 76), (78, g + 58), (90, g + 50)],
             near_arm=[(64, g + 76), (80, g + 60), (92, g + 44)],
             far_leg=[(56, g + 40), (80, g + 38), (74, g + 5)],
             near_leg=[(58, g + 40), (84, g + 34), (82, g + 5)], facing=1)
    f.add(person(p, look(pal, 2, 2), pal.ink))
    f.add(box)
    f.add(line(86, g + 47, 116, g + 47, pal.ink, THIN))
    # near hand over the box edge
    f.add(capsules([Capsule([(80, g + 60), (90, g + 44)], 6, pal.skin_tone(2)),
                    Disc((90, g + 43), 3.6, pal.skin_tone(2))], pal.ink))
    # straight-back guide line
    guide = line(48, g + 36, 72, g + 106, pal.accent, LINE)
    guide.strokeDashArray = [3, 3]
    f.add(guide)
    check_badge(f, 128, 128)


@figure("prevent-core")
def draw_core(f: Frame) -> None:
    """A bridge on a mat: lying on the back, hips lifted, feet flat."""
    pal = f.pal
    tile(f)
    f.add(rect(12, 34, 136, 8, pal.cloth[1], pal.ink, 4))
    m = 42.0   # mat top
    p = Pose(head=(26, m + 10), neck=(40, m + 10), hip=(92, m + 30),
             far_arm=[(44, m + 8), (62, m + 4), (80, m + 4)],
             near_arm=[(44, m + 8), (62, m + 4), (80, m + 4)],
             far_leg=[(92, m + 30), (116, m + 42), (118, m + 5)],
             near_leg=[(92, m + 30), (118, m + 44), (122, m + 5)],
             facing=1, torso_w=16)
    f.add(person(p, look(pal, 0, 0), pal.ink))
    # up arrow under the hips
    from .prims import arrow
    f.add(arrow(76, m + 6, 76, m + 30, pal.accent, BOLD, 7))


@figure("prevent-weight", mirror_rtl=False)
def draw_weight(f: Frame) -> None:
    """A balanced plate (half vegetables) with fork and knife."""
    pal = f.pal
    tile(f)
    cx, cy, r = 80, 82, 50
    f.add(circle(cx, cy, r, pal.paper, pal.ink, LINE + 0.2))
    f.add(circle(cx, cy, r - 8, pal.paper, pal.line, THIN))
    ri = r - 10
    f.add(rounded(Wedge(cx, cy, ri, 90, 270, fillColor=pal.cloth[1], strokeColor=pal.ink), LINE))
    f.add(rounded(Wedge(cx, cy, ri, 0, 90, fillColor=pal.nodule, strokeColor=pal.ink), LINE))
    f.add(rounded(Wedge(cx, cy, ri, 270, 360, fillColor=pal.warm, strokeColor=pal.ink), LINE))
    # vegetables: leaves
    for lx, ly, a in ((cx - 22, cy + 14, 30), (cx - 12, cy - 16, -20), (cx - 26, cy - 8, 70)):
        leaf = smooth_closed([(-7, 0), (0, 4), (7, 0), (0, -4)], 0.9)
        f.add(Group(filled(leaf, pal.paper, pal.ink, THIN),
                    transform=_rot(a, lx, ly)))
    for gx, gy in ((cx + 10, cy + 14), (cx + 20, cy + 8), (cx + 14, cy + 24)):
        f.add(ellipse(gx, gy, 3.5, 2.2, pal.paper, pal.ink, THIN))
    # fork and knife
    f.add(line(18, 46, 18, 118, pal.ink, 3), line(14, 104, 14, 120, pal.ink, 1.4),
          line(18, 104, 18, 120, pal.ink, 1.4), line(22, 104, 22, 120, pal.ink, 1.4))
    f.add(line(142, 46, 142, 118, pal.ink, 3))
    blade = smooth_closed([(139, 90), (144, 92), (146, 118), (141, 120)], 0.3)
    f.add(filled(blade, pal.line, pal.ink, THIN))


def _rot(deg: float, x: float, y: float) -> tuple:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return (c, s, -s, c, x, y)
