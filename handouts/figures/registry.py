"""Which function draws which figure, with its label keys and design box.

One table, so the pipeline, the gallery and the tests all agree on the ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import anatomy, exercises, painscale, prevention, selfcare, treatment, warning
from .prims import Frame

PICTO = (160.0, 160.0)    # every pictogram shares one box so they line up


@dataclass(frozen=True)
class FigureSpec:
    """How to draw one figure.

    ``mirror_rtl``: mirror the art for right-to-left languages. True where
    direction carries meaning (label columns, arrows, reading order, walking);
    False where a mirrored picture gains nothing.
    """

    draw: Callable[[Frame], None]
    keys: tuple[str, ...]
    size: tuple[float, float]
    mirror_rtl: bool = True

    @property
    def aspect(self) -> float:
        return self.size[1] / self.size[0]


PAIN_KEYS = tuple(str(i) for i in range(11)) + ("no-pain", "worst-pain")

REGISTRY: dict[str, FigureSpec] = {
    "where-it-happens": FigureSpec(anatomy.draw_where_it_happens,
                                   ("spine", "lower-back", "hip-bone", "sacrum", "usual-places"),
                                   (360.0, 268.0)),
    "cross-section": FigureSpec(anatomy.draw_cross_section,
                                ("skin", "fat", "fascia", "tear", "back-mouse", "muscle"),
                                (330.0, 200.0)),
    "how-it-feels": FigureSpec(anatomy.draw_how_it_feels, ("lump", "moves", "tender"),
                               (290.0, 190.0)),
    "selfcare-heat": FigureSpec(selfcare.draw_heat, (), PICTO),
    "selfcare-walk": FigureSpec(selfcare.draw_walk, (), PICTO),
    "selfcare-stretch": FigureSpec(selfcare.draw_stretch, (), PICTO),
    "selfcare-position": FigureSpec(selfcare.draw_position, (), PICTO),
    "selfcare-cushion": FigureSpec(selfcare.draw_cushion, (), PICTO, mirror_rtl=False),
    "prevent-posture": FigureSpec(prevention.draw_posture, (), PICTO),
    "prevent-core": FigureSpec(prevention.draw_core, (), PICTO),
    "prevent-weight": FigureSpec(prevention.draw_weight, (), PICTO, mirror_rtl=False),
    "treat-injection": FigureSpec(treatment.draw_injection, (), PICTO),
    "treat-physio": FigureSpec(treatment.draw_physio, (), PICTO),
    "treat-surgery": FigureSpec(treatment.draw_surgery, (), PICTO, mirror_rtl=False),
    "flag-growing": FigureSpec(warning.draw_growing, (), PICTO),
    "flag-fever": FigureSpec(warning.draw_fever, (), PICTO, mirror_rtl=False),
    "flag-numbness": FigureSpec(warning.draw_numbness, (), PICTO, mirror_rtl=False),
    "flag-bladder": FigureSpec(warning.draw_bladder, (), PICTO, mirror_rtl=False),
    "flag-weight-loss": FigureSpec(warning.draw_weight_loss, (), PICTO),
    "flag-hard-lump": FigureSpec(warning.draw_hard_lump, ("size",), PICTO),
    "pain-scale": FigureSpec(painscale.draw_pain_scale, PAIN_KEYS, (380.0, 140.0)),
    "see-clinician": FigureSpec(treatment.draw_see_clinician, (), (200.0, 160.0)),
}

# The exercise library's pictures (content/exercises/<id>/exercise.yaml names one per step). Kept apart from the
# topic figures: their words come from each exercise's own <lang>.yaml, not from a topic's figures.yaml, and
# leaflet prose cannot refer to them.
EXERCISE_REGISTRY: dict[str, FigureSpec] = {
    "ex-crook-lying": FigureSpec(exercises.draw_crook_lying, ("knees-bent",), exercises.SIZE),
    "ex-knee-to-chest": FigureSpec(exercises.draw_knee_to_chest, ("pull",), exercises.SIZE),
    "ex-knee-rolls": FigureSpec(exercises.draw_knee_rolls, ("shoulders-down",), exercises.SIZE),
    "ex-pelvic-tilt": FigureSpec(exercises.draw_pelvic_tilt, ("press",), exercises.SIZE),
    "ex-bridge": FigureSpec(exercises.draw_bridge, ("lift",), exercises.SIZE),
    "ex-all-fours": FigureSpec(exercises.draw_all_fours, ("flat-back",), exercises.SIZE),
    "ex-cat-round": FigureSpec(exercises.draw_cat_round, ("round",), exercises.SIZE),
    "ex-cat-hollow": FigureSpec(exercises.draw_cat_hollow, ("hollow",), exercises.SIZE),
    "ex-piriformis": FigureSpec(exercises.draw_piriformis, ("ankle-on-knee",), exercises.SIZE),
    "ex-piriformis-pull": FigureSpec(exercises.draw_piriformis_pull, ("pull",), exercises.SIZE),
}
