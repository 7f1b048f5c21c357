"""Exercise figures: one picture per step of the exercise library (content/exercises/), a person in the position
of that step with arrows for the movement and one translated label.

Drawn with the same people and primitives as the leaflet's own pictograms, so a physiotherapist's copy reads as
one document. Side views throughout: lying on the back (head on the left) or kneeling on all fours (facing
right); the words come from the exercise's `<lang>.yaml` (`figures:` there), never from code.
"""
from __future__ import annotations

from .people import Pose, look, person
from .prims import Frame, arrow, curved_arrow, rect, tile
from .style import BOLD
from .spec import figure

SIZE = (220.0, 140.0)     # every exercise figure shares one box, so the steps' pictures line up
MAT = 40.0                # the mat's top edge
B = MAT + 10.0            # the centre line of a body lying on the mat


def _mat(f: Frame) -> None:
    tile(f)
    f.add(rect(14, MAT - 8, 192, 8, f.pal.cloth[1], f.pal.ink, 4))


def _label(f: Frame, key: str, x: float = 110, y: float = 122, width: float = 110) -> None:
    """The step's one label, kept inside the tile however long its translation is (it wraps, then shrinks)."""
    x = min(max(x, 14 + width / 2), SIZE[0] - 14 - width / 2)
    f.label(key, x, y, size=16, bold=True, max_width=width, valign="middle")


def _lying(knee: tuple[float, float] = (132, B + 30), ankle: tuple[float, float] = (156, MAT + 5),
           hip: tuple[float, float] = (100, B), far_knee: tuple[float, float] | None = None,
           far_ankle: tuple[float, float] | None = None,
           near_arm: list | None = None, far_arm: list | None = None) -> Pose:
    """On the back, head left, knees bent and feet flat unless told otherwise."""
    neck = (44, B)
    return Pose(head=(30, B + 1), neck=neck, hip=hip,
                far_arm=far_arm or [(48, B + 2), (68, B - 3), (88, B - 5)],
                near_arm=near_arm or [(48, B + 2), (68, B - 4), (88, B - 6)],
                far_leg=[hip, far_knee or knee, far_ankle or ankle],
                near_leg=[hip, knee, ankle], facing=1, foot_dir=(1.0, 0.0), torso_w=16)


@figure("ex-crook-lying", keys=("knees-bent",), size=SIZE, library="exercise")
def draw_crook_lying(f: Frame) -> None:
    """Lying on the back, knees bent, feet flat: where most of these exercises start."""
    _mat(f)
    f.add(person(_lying(), look(f.pal, 0, 2), f.pal.ink))
    _label(f, "knees-bent", 132, 116)


@figure("ex-knee-to-chest", keys=("pull",), size=SIZE, library="exercise")
def draw_knee_to_chest(f: Frame) -> None:
    """One knee hugged towards the chest, the other foot flat; the arrow shows the pull."""
    _mat(f)
    hands = [(48, B + 2), (72, B + 18), (96, B + 32)]
    p = _lying(knee=(84, B + 36), ankle=(110, B + 26), far_knee=(132, B + 30), far_ankle=(156, MAT + 5),
               near_arm=hands, far_arm=[(48, B + 2), (70, B + 22), (94, B + 36)])
    f.add(person(p, look(f.pal, 0, 2), f.pal.ink))
    f.add(curved_arrow((118, B + 60), (100, B + 74), (78, B + 62), f.pal.accent, BOLD, 7))
    _label(f, "pull", 150, 118)


@figure("ex-knee-rolls", keys=("shoulders-down",), size=SIZE, library="exercise")
def draw_knee_rolls(f: Frame) -> None:
    """Both knees rolled to one side together, shoulders flat; the arrow shows the roll and the way back."""
    _mat(f)
    p = _lying(knee=(130, B + 14), ankle=(156, MAT + 5), far_knee=(134, B + 20))
    f.add(person(p, look(f.pal, 1, 0), f.pal.ink))
    f.add(curved_arrow((124, B + 52), (146, B + 50), (150, B + 26), f.pal.accent, BOLD, 7))
    _label(f, "shoulders-down", 70, 112)
    f.leader(48, 100, 48, B + 8)


@figure("ex-pelvic-tilt", keys=("press",), size=SIZE, library="exercise")
def draw_pelvic_tilt(f: Frame) -> None:
    """Knees bent, the small of the back pressed into the mat: the arrow points down at the lower back."""
    _mat(f)
    f.add(person(_lying(), look(f.pal, 2, 1), f.pal.ink))
    f.add(arrow(82, B + 46, 82, B + 14, f.pal.accent, BOLD, 7))
    _label(f, "press", 82, 116)


@figure("ex-bridge", keys=("lift",), size=SIZE, library="exercise")
def draw_bridge(f: Frame) -> None:
    """Hips lifted off the mat so shoulders, hips and knees make a slope; the arrow points up."""
    _mat(f)
    hip = (102, B + 24)
    p = _lying(hip=hip, knee=(134, B + 34), ankle=(152, MAT + 5))
    f.add(person(p, look(f.pal, 3, 0), f.pal.ink))
    f.add(arrow(102, B + 36, 102, B + 62, f.pal.accent, BOLD, 7))
    _label(f, "lift", 102, 122)


def _all_fours(spine: tuple = ()) -> Pose:
    """Kneeling on hands and knees, facing right: hands under shoulders, knees under hips."""
    g = MAT
    return Pose(head=(140, g + 72), neck=(124, g + 74), hip=(72, g + 72),
                far_arm=[(120, g + 72), (122, g + 52), (124, g + 6)],
                near_arm=[(120, g + 72), (121, g + 52), (122, g + 6)],
                far_leg=[(72, g + 70), (74, g + 8), (34, g + 6)],
                near_leg=[(72, g + 70), (72, g + 8), (32, g + 6)],
                facing=-1, foot_dir=(-1.0, 0.0), spine=spine)


@figure("ex-all-fours", keys=("flat-back",), size=SIZE, library="exercise")
def draw_all_fours(f: Frame) -> None:
    """On hands and knees with a flat back: the start of the cat-camel."""
    _mat(f)
    f.add(person(_all_fours(), look(f.pal, 4, 1), f.pal.ink))
    _label(f, "flat-back", 178, 86, 64)


@figure("ex-cat-round", keys=("round",), size=SIZE, library="exercise")
def draw_cat_round(f: Frame) -> None:
    """The back rounded up towards the ceiling, head down; the arrow points up."""
    _mat(f)
    f.add(person(_all_fours(spine=((98, MAT + 90),)), look(f.pal, 4, 1), f.pal.ink))
    f.add(arrow(60, MAT + 70, 60, MAT + 94, f.pal.accent, BOLD, 7))
    _label(f, "round", 178, 86, 64)


@figure("ex-cat-hollow", keys=("hollow",), size=SIZE, library="exercise")
def draw_cat_hollow(f: Frame) -> None:
    """The back gently hollowed towards the mat, head up; the arrow points down."""
    _mat(f)
    f.add(person(_all_fours(spine=((98, MAT + 62),)), look(f.pal, 4, 1), f.pal.ink))
    f.add(arrow(98, MAT + 44, 98, MAT + 22, f.pal.accent, BOLD, 7))
    _label(f, "hollow", 178, 86, 64)


@figure("ex-piriformis", keys=("ankle-on-knee",), size=SIZE, library="exercise")
def draw_piriformis(f: Frame) -> None:
    """One foot flat, the other ankle resting across that knee (a figure 4)."""
    _mat(f)
    p = _lying(knee=(116, B + 44), ankle=(134, B + 34), far_knee=(132, B + 30), far_ankle=(156, MAT + 5))
    p.foot_dir = (0.6, 0.8)
    f.add(person(p, look(f.pal, 5, 2), f.pal.ink))
    _label(f, "ankle-on-knee", 160, 120)
    f.leader(150, 108, 134, B + 36)


@figure("ex-piriformis-pull", keys=("pull",), size=SIZE, library="exercise")
def draw_piriformis_pull(f: Frame) -> None:
    """Hands behind the thigh of the flat foot's leg, drawing both legs towards the chest."""
    _mat(f)
    p = _lying(knee=(96, B + 54), ankle=(116, B + 48), far_knee=(108, B + 40), far_ankle=(128, B + 22),
               near_arm=[(48, B + 2), (70, B + 24), (100, B + 34)],
               far_arm=[(48, B + 2), (72, B + 20), (102, B + 30)])
    p.foot_dir = (0.6, 0.8)
    f.add(person(p, look(f.pal, 5, 2), f.pal.ink))
    f.add(curved_arrow((150, B + 52), (136, B + 80), (110, B + 76), f.pal.accent, BOLD, 7))
    _label(f, "pull", 170, 118)
