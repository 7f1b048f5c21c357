"""Red-flag pictograms: each sits in the same warning badge (red ring and a
small drawn '!'), so readers learn to spot "get help" pictures at a glance."""
from __future__ import annotations


from reportlab.graphics.shapes import Path

from .prims import (Capsule, Frame, arrow, capsules, circle, ellipse, filled, line,
                    polygon, polyline, rect, rounded, smooth_closed, smooth_open,
                    warning_badge)
from .style import BOLD, LINE, THIN
from .spec import figure


def _skin_band(f: Frame, y: float, x0: float = 34, x1: float = 126) -> None:
    f.add(rect(x0, y - 12, x1 - x0, 12, f.pal.skin_tone(1), f.pal.ink, 4))


def _bump(f: Frame, cx: float, y: float, rx: float, ry: float) -> None:
    """A lump rising from the skin line (upper half-ellipse)."""
    p = Path()
    k = 0.5523
    p.moveTo(cx - rx, y)
    p.curveTo(cx - rx, y + ry * k, cx - rx * k, y + ry, cx, y + ry)
    p.curveTo(cx + rx * k, y + ry, cx + rx, y + ry * k, cx + rx, y)
    p.closePath()
    f.add(filled(p, f.pal.nodule, f.pal.ink, LINE + 0.2))


@figure("flag-growing")
def draw_growing(f: Frame) -> None:
    """A lump getting bigger: small bump, arrow, big bump."""
    warning_badge(f)
    y = 62
    _skin_band(f, y)
    _bump(f, 52, y, 10, 8)
    _bump(f, 102, y, 22, 22)
    f.add(arrow(62, 96, 82, 96, f.pal.ink, BOLD, 7))


@figure("flag-fever", mirror_rtl=False)
def draw_fever(f: Frame) -> None:
    """A thermometer reading high, with heat lines."""
    pal = f.pal
    warning_badge(f)
    f.add(rect(72, 52, 16, 72, pal.paper, pal.ink, 8))
    f.add(circle(80, 46, 12, pal.warning, pal.ink))
    f.add(rect(76.5, 48, 7, 66, pal.warning, None, 3.5))
    for y in range(62, 118, 10):
        f.add(line(90, y, 95, y, pal.ink, THIN))
    for y in (70, 88, 106):
        wave = smooth_open([(48, y - 6), (52, y - 2), (48, y + 2), (52, y + 6)])
        f.add(rounded(wave, BOLD, pal.warm_line))
        wave2 = smooth_open([(108, y - 6), (112, y - 2), (108, y + 2), (112, y + 6)])
        f.add(rounded(wave2, BOLD, pal.warm_line))


@figure("flag-numbness", mirror_rtl=False)
def draw_numbness(f: Frame) -> None:
    """Both legs with tingling marks: numbness or weakness in the legs."""
    pal = f.pal
    warning_badge(f)
    skin, tr = pal.skin_tone(2), pal.trousers
    legs = [Capsule([(68, 112), (66, 80), (66, 44)], 12, skin),
            Capsule([(92, 112), (94, 80), (94, 44)], 12, skin),
            Capsule([(66, 40), (58, 38)], 7, skin), Capsule([(94, 40), (102, 38)], 7, skin)]
    f.add(capsules(legs, pal.ink))
    f.add(rect(56, 100, 48, 24, tr, pal.ink, 5))
    f.add(line(80, 100, 80, 112, pal.paper, THIN))
    for cx, cy in ((48, 60), (112, 60), (50, 86), (110, 86), (80, 62)):
        _tingle(f, cx, cy)


def _tingle(f: Frame, cx: float, cy: float) -> None:
    """A small zig-zag spark: pins and needles."""
    pts = [(cx - 5, cy - 4), (cx - 1, cy + 1), (cx + 1, cy - 2), (cx + 5, cy + 4)]
    f.add(polyline(pts, f.pal.warning, BOLD))


@figure("flag-bladder", mirror_rtl=False)
def draw_bladder(f: Frame) -> None:
    """A toilet (plain side view): problems passing urine or controlling it."""
    pal = f.pal
    warning_badge(f)
    f.add(rect(94, 82, 18, 38, pal.paper, pal.ink, 3))                 # tank
    bowl = smooth_closed([(46, 82), (112, 82), (108, 70), (94, 58), (86, 54), (62, 58),
                          (48, 70)], 0.35)
    f.add(filled(bowl, pal.paper, pal.ink, LINE + 0.2))
    f.add(polygon([(70, 56), (90, 54), (92, 38), (66, 38)], pal.paper, pal.ink))  # base
    f.add(rect(44, 82, 70, 5, pal.cool, pal.ink, 2.5))                 # seat
    f.add(line(104, 112, 110, 112, pal.ink, LINE + 0.6))               # handle


@figure("flag-weight-loss")
def draw_weight_loss(f: Frame) -> None:
    """Bathroom scale with a down arrow: losing weight without trying."""
    pal = f.pal
    warning_badge(f)
    f.add(rect(36, 46, 62, 64, pal.paper, pal.ink, 10))
    f.add(rect(46, 88, 42, 14, pal.soft, pal.ink, 5))
    f.add(line(67, 90, 61, 99, pal.warning, 1.6))
    f.add(ellipse(56, 62, 8, 11, pal.line, None), ellipse(78, 62, 8, 11, pal.line, None))
    f.add(arrow(116, 106, 116, 56, pal.warning, 3.2, 10))


@figure("flag-hard-lump", keys=("size",))
def draw_hard_lump(f: Frame) -> None:
    """A hard, fixed lump much larger than a coin, with a ruler under it."""
    pal = f.pal
    warning_badge(f)
    y = 82
    _skin_band(f, y, 30, 130)
    lump = smooth_closed([(52, y), (54, y + 16), (68, y + 30), (88, y + 32), (104, y + 22),
                          (110, y + 6), (108, y)], 0.3)
    f.add(filled(lump, pal.muscle, pal.ink, LINE + 0.6))
    f.add(circle(120, 106, 7, pal.bone, pal.ink))            # coin for comparison
    f.add(circle(120, 106, 4.5, None, pal.line, THIN))
    # ruler
    f.add(rect(46, 52, 68, 12, pal.bone, pal.ink, 2))
    for i in range(0, 11):
        x = 50 + i * 6
        f.add(line(x, 64, x, 64 - (6 if i % 5 == 0 else 3.5), pal.ink, THIN))
    f.label("size", 80, 38, 11, "middle", bold=True, valign="middle", max_width=60,
            max_lines=1)
