"""Figures as reportlab drawings for one document: the palette of the build, and a per-process cache, since a
figure with one language's labels is the same drawing in every copy, layout and level."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from handouts.config.layouts import Layout


def figure_style(chain: Any, rtl: bool, palette: Any, label_floor: float = 0.0):
    """How a document's figures are drawn: its language's font chain (labels fall back, shape and run in the
    right direction through it), its palette, its direction, and the smallest label its level allows (the
    layout's `label_floor`, pt)."""
    from handouts.figures import FigureStyle

    return FigureStyle(font=chain.primary.name, bold_font=chain.primary.face("bold").name, palette=palette,
                       rtl=rtl, chain=chain, label_floor=label_floor)


def figure_palette(layout: Layout):
    """The figures' palette: gray when the build prints in grayscale, like the rest of the page."""
    from handouts.figures import DEFAULT_PALETTE

    return DEFAULT_PALETTE.grayscale() if layout.grayscale else DEFAULT_PALETTE


@lru_cache(maxsize=24)
def drawing(fig_id: str, labels: tuple[tuple[str, str], ...], style: Any, width: float):
    """Figures repeat across copies, layouts and levels of one language: draw each once per process. Kept small:
    a shaped label set is large, and memory must stay flat however many documents one process builds."""
    from handouts import figures as figures_pkg

    return figures_pkg.draw_figure(fig_id, dict(labels), style, width)
