"""Reusable neutral people and hands.

People are built from round-capped "capsules" (see ``prims.capsules``): no
faces, no gendered clothing or hair, no body-type cues; only the pose tells the
story. Skin tones rotate through the palette so no single tone is the norm.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from reportlab.graphics.shapes import Group, Path
from reportlab.lib.colors import Color

from .palette import Palette
from .prims import Blob, Capsule, Disc, Point, capsules, smooth_closed

HEAD_R = 10.0
TORSO_W = 17.0
ARM_W = 6.5
LEG_W = 8.5
NECK_W = 6.0


@dataclass
class Pose:
    """Joint positions (design units) of one person, side or front view.

    ``far_*`` limbs are drawn behind the body, ``near_*`` in front of it.
    Arms are [shoulder, elbow, hand]; legs are [hip, knee, ankle].
    """

    head: Point
    neck: Point
    hip: Point
    far_arm: Sequence[Point]
    near_arm: Sequence[Point]
    far_leg: Sequence[Point]
    near_leg: Sequence[Point]
    facing: float = 1.0          # +1 toes point right, -1 left
    foot_len: float = 7.0
    foot_dir: Point | None = None  # unit vector for feet; default along ``facing``
    torso_w: float = TORSO_W
    extra_front: list = field(default_factory=list)   # e.g. props held in hands
    spine: Sequence[Point] = ()  # points between neck and hip: a rounded or hollowed back (exercises)


@dataclass(frozen=True)
class Look:
    """Colours of one person."""

    skin: Color
    shirt: Color
    trousers: Color
    shoes: Color


def look(pal: Palette, tone: int, cloth: int = 0) -> Look:
    """A person's colours from palette indices (tone rotates skin shades)."""
    return Look(pal.skin_tone(tone), pal.cloth[cloth % len(pal.cloth)],
                pal.trousers, pal.line)


def arm(points: Sequence[Point], lk: Look) -> list:
    sh, el, ha = points
    return [Capsule([sh, el], ARM_W + 0.5, lk.shirt), Capsule([el, ha], ARM_W - 0.5, lk.skin),
            Disc(ha, 3.6, lk.skin)]


def _leg(points: Sequence[Point], lk: Look, facing: float, foot_len: float,
         foot_dir: Point | None = None) -> list:
    hip, knee, ankle = points
    dx, dy = foot_dir if foot_dir else (facing, -1.0 / foot_len)
    foot = (ankle[0] + dx * foot_len, ankle[1] + dy * foot_len)
    return [Capsule([hip, knee, ankle], LEG_W, lk.trousers),
            Capsule([ankle, foot], 5.0, lk.shoes)]


def person(p: Pose, lk: Look, ink: Color) -> Group:
    """Draw a pictogram person in three layers (far limbs, body, near arm)."""
    back = arm(p.far_arm, lk) + _leg(p.far_leg, lk, p.facing, p.foot_len, p.foot_dir)
    body = _leg(p.near_leg, lk, p.facing, p.foot_len, p.foot_dir) + [
        Capsule([p.neck, p.head], NECK_W, lk.skin),
        Capsule([p.neck, *p.spine, p.hip], p.torso_w, lk.shirt),
        Disc(p.head, HEAD_R, lk.skin),
    ]
    front = arm(p.near_arm, lk) + list(p.extra_front)
    return Group(capsules(back, ink), capsules(body, ink), capsules(front, ink))


def standing(x: float, ground: float, facing: float = 1.0) -> Pose:
    """A relaxed standing pose, feet on ``ground``, centred on ``x``."""
    f = facing
    return Pose(head=(x + 1 * f, ground + 104), neck=(x, ground + 89), hip=(x, ground + 50),
                far_arm=[(x - 1 * f, ground + 84), (x - 3 * f, ground + 66), (x + 1 * f, ground + 50)],
                near_arm=[(x + 1 * f, ground + 84), (x + 4 * f, ground + 66), (x + 3 * f, ground + 50)],
                far_leg=[(x - 1 * f, ground + 48), (x - 2 * f, ground + 26), (x - 3 * f, ground + 5)],
                near_leg=[(x + 1 * f, ground + 48), (x + 2 * f, ground + 26), (x + 2 * f, ground + 5)],
                facing=f)


def hand_pointing(tip: Point, lk: Look, ink: Color, tilt_deg: float = 20) -> Group:
    """A hand whose index finger presses at ``tip``; the forearm comes from above.

    Drawn upright in local units (finger pointing down, fist above, sleeve
    going up-right) and then tilted by ``tilt_deg`` about the fingertip.
    """
    import math
    sk = lk.skin
    arm = [Capsule([(16, 52), (40, 104)], 21, lk.shirt)]
    fist = [Capsule([(0, 4), (0, 30)], 9, sk),
            Blob(lambda: smooth_closed([(-7, 26), (-6, 48), (8, 58), (24, 52), (24, 30),
                                        (14, 22), (2, 21)], 0.6), sk)]
    curled = [Capsule([(-4, y), (9, y)], 7.0, sk) for y in (28, 35.5, 43)]
    thumb = [Capsule([(20, 46), (9, 36), (5, 34)], 7.5, sk)]
    a = math.radians(tilt_deg)
    c, s = math.cos(a), math.sin(a)
    g = Group(capsules(arm, ink), capsules(fist, ink), capsules(curled[2:], ink),
              capsules(curled[1:2], ink), capsules(curled[:1], ink), capsules(thumb, ink))
    g.transform = (c, s, -s, c, tip[0], tip[1])
    return g


def face(cx: float, cy: float, r: float, mood: float, fill: Color, ink: Color) -> Group:
    """A simple round face; ``mood`` 0 (happy) .. 1 (very sad / hurting).

    Used by the pain scale. Brows tilt and the mouth bends with ``mood``.
    """
    from reportlab.graphics.shapes import Circle
    from .prims import rounded, smooth_open
    g = Group()
    g.add(rounded(Circle(cx, cy, r, fillColor=fill, strokeColor=ink), 1.4))
    ex, ey = r * 0.36, cy + r * 0.18
    eye_r = r * 0.09
    for s in (-1, 1):
        if mood > 0.85:   # squeezed-shut eyes for the worst pain
            g.add(rounded(smooth_open([(cx + s * ex - r * 0.12, ey + r * 0.05),
                                       (cx + s * ex, ey - r * 0.04),
                                       (cx + s * ex + r * 0.12, ey + r * 0.05)]),
                          1.3, ink))
        else:
            g.add(Circle(cx + s * ex, ey, eye_r, fillColor=ink, strokeColor=None))
        if mood > 0.3:   # worried brows
            lift = r * 0.10 * mood
            inner = (cx + s * ex * 0.45, ey + r * 0.22 + lift)
            outer = (cx + s * ex * 1.4, ey + r * 0.20 - lift * 0.4)
            from reportlab.graphics.shapes import Line
            g.add(rounded(Line(inner[0], inner[1], outer[0], outer[1], strokeColor=ink), 1.3))
    # mouth: a curve from smile (mood 0) to frown (mood 1)
    my = cy - r * 0.38
    bend = r * 0.30 * (1 - 2 * mood)
    half = r * 0.38
    mouth = Path(fillColor=None, strokeColor=ink)
    mouth.moveTo(cx - half, my + bend * 0.3)
    mouth.curveTo(cx - half * 0.4, my - bend * 0.8, cx + half * 0.4, my - bend * 0.8,
                  cx + half, my + bend * 0.3)
    g.add(rounded(mouth, 1.4, ink))
    if mood > 0.85:   # a tear
        g.add(Circle(cx + ex + r * 0.05, ey - r * 0.28, r * 0.07, fillColor=ink, strokeColor=None))
    return g
