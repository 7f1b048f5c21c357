"""The style a caller passes to every figure (fonts, palette, direction).

Kept in its own module so drawing modules can import it without importing the
package ``__init__`` (which imports them: that would be circular).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .palette import DEFAULT_PALETTE, Palette

if TYPE_CHECKING:
    from handouts.text.fonts import FontChain


@dataclass(frozen=True)
class FigureStyle:
    """How to draw: fonts come from the caller (never base-14 Helvetica)."""

    font: str            # registered reportlab font name for labels
    bold_font: str
    palette: Palette = DEFAULT_PALETTE
    rtl: bool = False    # mirror layouts (arrows, label sides); never text
    # The language's font chain: fallback faces, shaping and direction for labels. Passed, never looked up, so
    # a figure draws the same whichever language drew before it. (Any: hashable for the drawing cache.)
    chain: "FontChain | Any" = None
    # The smallest words the page may show, in pt (the layout's `label_floor`): `draw_figure` turns it into design
    # units for the width it draws at, and every label is set at least that large. Labels wrap (and, last, squeeze)
    # within their place in the figure, so a figure drawn small keeps legible words rather than shrinking them.
    label_floor: float = 0.0


# Stroke widths at design size, shared by every figure.
LINE = 1.2     # main outlines
THIN = 0.8     # textures, leaders, secondary detail
BOLD = 2.0     # arrows and emphasis
