"""How a figure declares itself: a drawing function marked with `@figure(id, keys=..., size=...)`.

A new figure is one function in a module of this package (or a new module) with this decorator, plus its alt
text and labels in each language's figures.yaml: registry.py finds every module of the package by itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .prims import Frame

PICTO = (160.0, 160.0)    # every pictogram shares one box so they line up
PAIN_KEYS = tuple(str(i) for i in range(11)) + ("no-pain", "worst-pain")


@dataclass(frozen=True)
class FigureSpec:
    """How to draw one figure.

    ``mirror_rtl``: mirror the art for right-to-left languages. True where
    direction carries meaning (label columns, arrows, reading order, walking);
    False where a mirrored picture gains nothing.
    """

    id: str
    draw: "Callable[[Frame], None]"
    keys: tuple[str, ...]
    size: tuple[float, float]
    mirror_rtl: bool = True
    # "topic": leaflet prose may show it, its words come from the topic's figures.yaml; "exercise": a step of the
    # exercise library, its words come from the exercise's own <lang>.yaml.
    library: str = "topic"

    @property
    def aspect(self) -> float:
        return self.size[1] / self.size[0]


def figure(fig_id: str, *, keys: tuple[str, ...] = (), size: tuple[float, float] = PICTO,
           mirror_rtl: bool = True, library: str = "topic") -> Callable[[Callable], Callable]:
    """Mark a drawing function as the figure `fig_id`; `keys` are the labels each language gives it."""
    def mark(draw: Callable) -> Callable:
        draw.figure_spec = FigureSpec(fig_id, draw, tuple(keys), size, mirror_rtl,  # type: ignore[attr-defined]
                                      library)
        return draw
    return mark
