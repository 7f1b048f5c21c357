"""Self-care pictograms: heat/cold, walking, stretching, changing position,
cushion. No labels: the leaflet text beside them says what to do."""
from __future__ import annotations

import math


from .people import Pose, look, person, standing
from .prims import Frame, circle, curved_arrow, line, rect, rounded, smooth_open, tile
from .style import BOLD, LINE, THIN
from .spec import figure

GROUND = 22.0


def ground(f: Frame, x0: float = 20, x1: float = 140, y: float = GROUND) -> None:
    """The floor line most pictograms stand on."""
    f.add(line(x0, y, x1, y, f.pal.line, LINE))


def chair(f: Frame, x: float, seat_y: float, depth: float, back_h: float) -> None:
    """A simple side-view chair, backrest on the left at ``x``."""
    pal = f.pal
    f.add(rect(x, seat_y, 6, back_h, pal.line, pal.ink, 3))
    f.add(rect(x, seat_y - 6, depth, 7, pal.line, pal.ink, 3))
    f.add(line(x + 3, seat_y - 6, x + 3, GROUND, pal.ink, 3))
    f.add(line(x + depth - 3, seat_y - 6, x + depth - 3, GROUND, pal.ink, 3))


@figure("selfcare-heat")
def draw_heat(f: Frame) -> None:
    """A person with a warm (or cold) pack on the lower back."""
    pal = f.pal
    tile(f)
    ground(f)
    p = standing(70, GROUND, facing=-1)
    f.add(person(p, look(pal, 1, 0), pal.ink))
    # the pack on the lower back (back is to the right when facing left)
    f.add(rect(76, GROUND + 50, 13, 22, pal.warm, pal.ink, 4))
    for i, y in enumerate((GROUND + 54, GROUND + 61, GROUND + 68)):
        wave = smooth_open([(95, y), (100, y + 3), (105, y - 1), (110, y + 2), (115, y)])
        f.add(rounded(wave, BOLD, pal.warm_line))
    _snowflake(f, 124, 124, 11)


def _snowflake(f: Frame, cx: float, cy: float, r: float) -> None:
    """A small snowflake: cold packs help too."""
    pal = f.pal
    f.add(circle(cx, cy, r + 6, pal.cool, pal.ink, THIN))
    for k in range(3):
        a = math.radians(90 + 60 * k)
        dx, dy = r * math.cos(a), r * math.sin(a)
        f.add(line(cx - dx, cy - dy, cx + dx, cy + dy, pal.ink, LINE))
        for s in (-1, 1):
            tx, ty = cx + s * dx * 0.62, cy + s * dy * 0.62
            for side in (-1, 1):
                b = a + side * math.radians(40)
                f.add(line(tx, ty, tx + s * 3.5 * math.cos(b), ty + s * 3.5 * math.sin(b),
                           pal.ink, THIN))


@figure("selfcare-walk")
def draw_walk(f: Frame) -> None:
    """A person walking gently, with motion lines behind."""
    pal = f.pal
    tile(f)
    ground(f)
    g = GROUND
    p = Pose(head=(86, g + 104), neck=(83, g + 89), hip=(80, g + 50),
             far_arm=[(83, g + 84), (92, g + 68), (101, g + 56)],
             near_arm=[(83, g + 84), (74, g + 68), (68, g + 55)],
             far_leg=[(80, g + 48), (70, g + 28), (58, g + 8)],
             near_leg=[(80, g + 48), (92, g + 28), (98, g + 5)], facing=1)
    f.add(person(p, look(pal, 2, 1), pal.ink))
    for y, x0 in ((g + 82, 32), (g + 66, 26), (g + 50, 34)):
        f.add(line(x0, y, x0 + 16, y, pal.accent, BOLD))


@figure("selfcare-stretch")
def draw_stretch(f: Frame) -> None:
    """Lying on the back on a mat, gently hugging one knee to the chest."""
    pal = f.pal
    tile(f)
    f.add(rect(14, 40, 132, 8, pal.cloth[1], pal.ink, 4))
    b = 58.0   # height of the body's centre line above the floor
    p = Pose(head=(28, b + 1), neck=(42, b - 1), hip=(94, b - 2),
             far_arm=[(46, b + 2), (60, b + 20), (80, b + 27)],
             near_arm=[(46, b + 2), (58, b + 14), (80, b + 22)],
             far_leg=[(94, b - 3), (118, b - 4), (140, b - 4)],
             near_leg=[(94, b - 2), (72, b + 28), (96, b + 22)],
             facing=1, foot_dir=(0.95, 0.3), torso_w=16)
    f.add(person(p, look(pal, 0, 2), pal.ink))
    f.add(curved_arrow((110, b + 44), (92, b + 62), (70, b + 50), pal.accent, BOLD, 6))


@figure("selfcare-position")
def draw_position(f: Frame) -> None:
    """Stand up from a chair now and then: chair, clock, person standing up."""
    pal = f.pal
    tile(f)
    ground(f)
    chair(f, 22, GROUND + 40, 36, 50)
    f.add(person(standing(108, GROUND, facing=1), look(pal, 3, 0), pal.ink))
    f.add(curved_arrow((50, GROUND + 52), (62, GROUND + 98), (90, GROUND + 96),
                       pal.accent, BOLD, 7))
    _clock(f, 36, 124, 16)


def _clock(f: Frame, cx: float, cy: float, r: float) -> None:
    """A clock face: time passing while you sit."""
    pal = f.pal
    f.add(circle(cx, cy, r, pal.paper, pal.ink, LINE + 0.3))
    for k in range(12):
        a = math.radians(30 * k)
        f.add(line(cx + (r - 4) * math.cos(a), cy + (r - 4) * math.sin(a),
                   cx + (r - 2) * math.cos(a), cy + (r - 2) * math.sin(a), pal.ink, THIN))
    f.add(line(cx, cy, cx, cy + r * 0.7, pal.ink, LINE + 0.3),
          line(cx, cy, cx + r * 0.5, cy - r * 0.1, pal.ink, LINE + 0.3),
          circle(cx, cy, 1.6, pal.ink, None))


@figure("selfcare-cushion", mirror_rtl=False)
def draw_cushion(f: Frame) -> None:
    """A chair with a soft seat cushion and a small cushion for the lower back."""
    pal = f.pal
    tile(f)
    ground(f)
    seat = GROUND + 46
    # chair frame
    f.add(rect(40, seat, 8, 80, pal.line, pal.ink, 4))
    f.add(rect(40, seat - 8, 82, 9, pal.line, pal.ink, 4))
    for x in (46, 116):
        f.add(line(x, seat - 8, x, GROUND, pal.ink, 3.2))
    # seat cushion: puffy, with a tuft
    f.add(rect(50, seat + 1, 74, 15, pal.cloth[2], pal.ink, 7))
    f.add(circle(87, seat + 8.5, 1.6, pal.ink, None))
    # lumbar cushion against the backrest
    f.add(rect(50, seat + 22, 16, 32, pal.cloth[0], pal.ink, 7))
    f.add(circle(58, seat + 38, 1.6, pal.ink, None))
