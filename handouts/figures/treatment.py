"""Treatment pictograms (injection, hands-on physiotherapy, small surgery) and
"see a clinician". Drawn calm on purpose: no blood, no big blades."""
from __future__ import annotations

import math

from reportlab.graphics.shapes import Group

from .people import Look, arm, look, person, standing
from .prims import (Capsule, Disc, Frame, capsules, circle, ellipse, filled, line, rect,
                    rounded, smooth_open, smooth_top_block, tile)
from .selfcare import GROUND, ground
from .style import LINE, THIN
from .spec import figure


def _skin_with_bump(f: Frame, x0: float, x1: float, top: float, bottom: float,
                    bx: float, bump: float, tone: int) -> None:
    """A patch of skin seen from the side, with the nodule's bump."""
    pal = f.pal
    pts = [(x0, bottom), (x0, top), (bx - 34, top), (bx - 16, top + bump * 0.6),
           (bx, top + bump), (bx + 16, top + bump * 0.6), (bx + 34, top), (x1, top),
           (x1, bottom)]
    f.add(filled(smooth_top_block(pts), pal.skin_tone(tone), pal.ink))
    f.add(ellipse(bx, top - 3, 20, 9, pal.nodule, pal.ink, LINE))


@figure("treat-injection")
def draw_injection(f: Frame) -> None:
    """A syringe gently injecting into the nodule under the skin."""
    tile(f)
    bx, top = 66.0, 56.0
    _skin_with_bump(f, 14, 146, top, 18, bx, 10, 3)
    tip = (bx + 2, top + 2)
    f.add(_syringe(f, tip, 52))


def _syringe(f: Frame, tip: tuple[float, float], angle_deg: float) -> Group:
    """A syringe drawn along +x from its needle tip, then rotated into place."""
    pal = f.pal
    g = Group()
    g.add(line(0, 0, 26, 0, pal.line, 1.4))                          # needle
    g.add(rect(26, -3.5, 6, 7, pal.line, pal.ink, 1.5))              # hub
    g.add(rect(32, -9, 52, 18, pal.paper, pal.ink, 3))               # barrel
    g.add(rect(33.5, -7.5, 24, 15, pal.cool, None, 2))               # medicine
    for x in (42, 50, 58, 66, 74):
        g.add(line(x, 9, x, 4, pal.ink, THIN))                       # scale marks
    g.add(rect(82, -14, 5, 28, pal.line, pal.ink, 2))                # finger flange
    g.add(rect(87, -3, 20, 6, pal.line, pal.ink, 1.5))               # plunger rod
    g.add(rect(105, -9, 5, 18, pal.line, pal.ink, 2))                # thumb rest
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    g.transform = (c, s, -s, c, tip[0], tip[1])
    return g


@figure("treat-physio")
def draw_physio(f: Frame) -> None:
    """A physiotherapist's hands on the lower back of a person lying on a couch."""
    pal = f.pal
    tile(f)
    ground(f, y=18)
    pl, tl = look(pal, 3, 2), look(pal, 1, 0)
    table_y = 62.0
    # therapist stands behind the couch
    p = standing(96, 18, facing=-1)
    p.far_arm = [(95, 102), (84, 92), (78, 81)]
    p.near_arm = [(97, 102), (92, 90), (90, 81)]
    f.add(person(p, tl, pal.ink))
    # couch
    f.add(rect(12, table_y - 8, 136, 8, pal.line, pal.ink, 3))
    f.add(line(22, table_y - 8, 22, 18, pal.ink, 3.2), line(138, table_y - 8, 138, 18, pal.ink, 3.2))
    # person lying face down, head on the left
    b = table_y + 8
    body = [Capsule([(108, b - 1), (140, b - 2)], 9, pl.trousers),
            Capsule([(42, b + 1), (104, b)], 16, pl.shirt),
            Capsule([(42, b + 1), (40, b - 1)], 6, pl.skin),
            Disc((28, b + 2), 9.5, pl.skin),
            Capsule([(141, b - 2), (146, b + 3)], 4.5, pl.shoes)]
    f.add(capsules(body, pal.ink))
    f.add(capsules([Capsule([(50, b - 3), (70, b - 5), (88, b - 5)], 6, pl.skin)], pal.ink))
    # therapist's arms again, in front of the person: hands on the lower back
    f.add(capsules(arm(p.far_arm, tl) + arm(p.near_arm, tl), pal.ink))


@figure("treat-surgery", mirror_rtl=False)
def draw_surgery(f: Frame) -> None:
    """A small plaster over a short stitched cut: small and gentle."""
    pal = f.pal
    tile(f)
    f.add(rect(22, 30, 116, 100, pal.skin_tone(0), pal.ink, 22))
    # short stitched line
    y = 80
    f.add(line(44, y, 116, y, pal.muscle, 1.4))
    for x in range(48, 116, 9):
        f.add(line(x - 2.5, y - 5, x + 2.5, y + 5, pal.ink, 1.1))
    # plaster over the middle, slightly turned
    g = Group(rect(-30, -13, 60, 26, pal.paper, pal.ink, 8),
              rect(-12, -9, 24, 18, pal.bone, pal.line, 3))
    for dx in (-22, -18, 18, 22):
        for dy in (-4, 4):
            g.add(circle(dx, dy, 0.9, pal.line, None))
    a = math.radians(-12)
    g.transform = (math.cos(a), math.sin(a), -math.sin(a), math.cos(a), 86, y + 2)
    f.add(g)


@figure("see-clinician", size=(200.0, 160.0))
def draw_see_clinician(f: Frame) -> None:
    """A person talking with a clinician (stethoscope, clipboard)."""
    pal = f.pal
    tile(f)
    ground(f, 18, 182)
    f.add(person(standing(62, GROUND, facing=1), look(pal, 2, 1), pal.ink))
    clin = standing(136, GROUND, facing=-1)
    f.add(person(clin, Look(pal.skin_tone(0), pal.paper, pal.trousers, pal.line), pal.ink))
    # stethoscope around the neck: two tubes down the chest, a chest piece
    nx, ny = clin.neck
    tube = smooth_open([(nx + 6, ny - 1), (nx + 5, ny - 16), (nx, ny - 24), (nx - 5, ny - 16),
                        (nx - 6, ny - 1)], 0.6)
    f.add(rounded(tube, 1.6, pal.accent))
    f.add(circle(nx, ny - 26, 3.2, pal.accent, pal.ink, THIN))
    # clipboard in the near hand
    hx, hy = clin.near_arm[2]
    f.add(rect(hx - 14, hy - 4, 12, 16, pal.bone, pal.ink, 1.5))
    f.add(capsules([Disc((hx, hy), 3.6, pal.skin_tone(0))], pal.ink))
    # speech bubble between them
    bx, by = 100, 136
    f.add(rect(bx - 20, by - 11, 40, 22, pal.paper, pal.ink, 10))
    tail = [(bx - 10, by - 10), (bx - 16, by - 20), (bx - 2, by - 10)]
    from .prims import polygon
    f.add(polygon(tail, pal.paper, pal.ink))
    f.add(line(bx - 11.5, by - 10.6, bx - 1, by - 10.6, pal.paper, 1.6))
    for dx in (-9, 0, 9):
        f.add(circle(bx + dx, by, 2.4, pal.ink, None))
