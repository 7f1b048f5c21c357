"""Original vector figures for patient leaflets (reportlab.graphics).

Public API used by the pipeline::

    FIGURE_IDS, label_keys(fig_id), aspect(fig_id),
    draw_figure(fig_id, labels, style, width) -> Drawing

Every word inside a figure comes from ``labels`` (so each language passes its
own words) and is drawn by :func:`handouts.figures.text.label`.
"""
from __future__ import annotations

from typing import Mapping

from reportlab.graphics.shapes import Drawing, Group

from .palette import DEFAULT_PALETTE, Palette
from .prims import Frame
from .registry import EXERCISE_REGISTRY, REGISTRY, FigureSpec
from .style import FigureStyle

__all__ = ["FigureStyle", "Palette", "DEFAULT_PALETTE", "FIGURE_IDS", "EXERCISE_FIGURE_IDS", "label_keys",
           "draw_figure", "aspect"]

FIGURE_IDS: tuple[str, ...] = tuple(REGISTRY)            # what topic prose may show
EXERCISE_FIGURE_IDS: tuple[str, ...] = tuple(EXERCISE_REGISTRY)   # what exercise steps may show


def _spec(fig_id: str) -> FigureSpec:
    try:
        return REGISTRY[fig_id] if fig_id in REGISTRY else EXERCISE_REGISTRY[fig_id]
    except KeyError:
        raise KeyError(fig_id) from None


def label_keys(fig_id: str) -> tuple[str, ...]:
    """The keys ``labels`` must hold for this figure (may be empty)."""
    return _spec(fig_id).keys


def aspect(fig_id: str) -> float:
    """Height / width of the figure."""
    return _spec(fig_id).aspect


def draw_figure(fig_id: str, labels: Mapping[str, str], style: FigureStyle,
                width: float) -> Drawing:
    """Draw ``fig_id`` scaled to ``width`` points; height follows the aspect.

    Raises KeyError(fig_id) for an unknown figure, and a KeyError naming the
    figure and the key when a label is missing (a blank label would silently
    print an unlabelled diagram).
    """
    spec = _spec(fig_id)
    missing = [k for k in spec.keys if k not in labels]
    if missing:
        raise KeyError(f"figure {fig_id!r} needs label {missing[0]!r}")
    dw, dh = spec.size
    scale = width / dw
    frame = Frame(dw, dh, style, labels, mirror=style.rtl and spec.mirror_rtl,
                  min_label=style.label_floor / scale)
    spec.draw(frame)
    group = frame.group()   # labels raised to the floor may need room under the art: the figure grows by it
    below = frame.below
    drawing = Drawing(width, (dh + below) * scale)
    drawing.add(Group(group, transform=(scale, 0, 0, scale, 0, below * scale)))
    return drawing
