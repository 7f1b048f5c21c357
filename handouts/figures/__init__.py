"""Original vector figures for patient leaflets (reportlab.graphics).

Public API used by the pipeline::

    FIGURE_IDS, label_keys(fig_id), aspect(fig_id),
    draw_figure(fig_id, labels, style, width) -> Drawing

Every word inside a figure comes from ``labels`` (so each language passes its
own words) and is drawn by :func:`handouts.figures.text.label`.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Mapping

from reportlab import rl_config
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
                width: float, *, checked: bool = True) -> Drawing:
    """Draw ``fig_id`` scaled to ``width`` points; height follows the aspect.

    Raises KeyError(fig_id) for an unknown figure, and a KeyError naming the
    figure and the key when a label is missing (a blank label would silently
    print an unlabelled diagram).

    ``checked=False`` builds the shapes without reportlab's validation of every
    attribute assignment (a third of the time; the same Drawing). The pipeline
    builds that way; the figures' tests and ``handouts figures`` build checked,
    so a wrong attribute in a drawing function is still caught.
    """
    spec = _spec(fig_id)
    missing = [k for k in spec.keys if k not in labels]
    if missing:
        raise KeyError(f"figure {fig_id!r} needs label {missing[0]!r}")
    if checked:
        return _draw(spec, labels, style, width)
    with _unchecked_shapes():
        return _draw(spec, labels, style, width)


def _draw(spec: FigureSpec, labels: Mapping[str, str], style: FigureStyle, width: float) -> Drawing:
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


_unchecked_lock = threading.Lock()
_unchecked = [0, None]   # builds under way without checking, and the setting to put back after the last


@contextmanager
def _unchecked_shapes() -> Iterator[None]:
    """reportlab's shape attribute validation off while figures are built. Shape.__setattr__ reads
    rl_config.shapeChecking at every assignment (validateSetattr), so this changes nothing but the checks, and
    the setting is put back when the last build under way (of any thread) ends."""
    with _unchecked_lock:
        if _unchecked[0] == 0:
            _unchecked[1] = rl_config.shapeChecking
            rl_config.shapeChecking = 0
        _unchecked[0] += 1
    try:
        yield
    finally:
        with _unchecked_lock:
            _unchecked[0] -= 1
            if _unchecked[0] == 0:
                rl_config.shapeChecking = _unchecked[1]
