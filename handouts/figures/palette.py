"""One calm colour palette for every figure.

All colours live here so the figures share one visual language and so a
printer that only prints in gray still separates the parts of a picture:
roles that touch each other in a figure differ clearly in *luminance*, not just
in hue (checked by ``tests/figures``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from reportlab.lib.colors import Color, HexColor


def luminance(color: Color) -> float:
    """Gray value (0 black .. 1 white) a printer or photocopier would use.

    Rec. 601 luma on the gamma-encoded channels: this is what "print in
    grayscale" does in most drivers, so it is the right yardstick here.
    """
    return 0.299 * color.red + 0.587 * color.green + 0.114 * color.blue


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio (1 to 21). Thin lines that carry meaning (heat lines, arrows) need at least 3:1
    against what they are drawn on (WCAG 1.4.11, non-text contrast), in colour and in gray."""
    def relative(color: Color) -> float:
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                    for c in (color.red, color.green, color.blue)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    darker, lighter = sorted((relative(a), relative(b)))
    return (lighter + 0.05) / (darker + 0.05)


def to_gray(color: Color) -> Color:
    """The colour converted to its gray (luminance) equivalent."""
    g = luminance(color)
    return Color(g, g, g, alpha=getattr(color, "alpha", 1))


@dataclass(frozen=True)
class Palette:
    """Named colour roles. Figures ask for a role, never for a hex value."""

    ink: Color            # outlines, text, arrows
    line: Color           # thin secondary lines (leaders, textures)
    paper: Color          # background
    soft: Color           # calm tinted tile behind pictograms
    skin: tuple[Color, ...]   # several tones; figures rotate through them
    skin_layer: Color     # the skin band in the cross-section
    hair: Color
    fat: Color            # yellowish fat
    nodule: Color         # the back mouse itself (deeper yellow than fat)
    fascia: Color         # the tough band over the muscle
    muscle: Color         # muscle: red-brown but light enough for print
    bone: Color           # hip bones / sacrum / spine overlay
    cloth: tuple[Color, ...]  # neutral clothing colours
    trousers: Color
    accent: Color         # markers, helpful arrows, calm highlights
    warning: Color        # red-flag badges
    warm: Color           # heat pack / warmth
    warm_line: Color      # heat lines: a thin stroke needs more contrast than a filled shape (see contrast)
    cool: Color           # cold pack / water

    def grayscale(self) -> "Palette":
        """The same palette converted to gray, to preview grayscale printing."""
        changes = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                changes[f.name] = tuple(to_gray(c) for c in value)
            else:
                changes[f.name] = to_gray(value)
        return replace(self, **changes)

    def skin_tone(self, index: int) -> Color:
        """Skin tone ``index`` (wraps around), so figures can vary tones."""
        return self.skin[index % len(self.skin)]

    def adjacent_pairs(self) -> list[tuple[str, Color, Color]]:
        """Role pairs that touch in some figure and must separate in gray."""
        pairs: list[tuple[str, Color, Color]] = [
            ("paper/skin_layer", self.paper, self.skin_layer),
            ("skin_layer/fat", self.skin_layer, self.fat),
            ("fat/nodule", self.fat, self.nodule),
            ("fat/fascia", self.fat, self.fascia),
            ("nodule/fascia", self.nodule, self.fascia),
            ("fascia/muscle", self.fascia, self.muscle),
            ("nodule/muscle", self.nodule, self.muscle),
            ("paper/accent", self.paper, self.accent),
            ("paper/warning", self.paper, self.warning),
            ("soft/accent", self.soft, self.accent),
            ("paper/ink", self.paper, self.ink),
            ("soft/ink", self.soft, self.ink),
            ("paper/trousers", self.paper, self.trousers),
            ("bone/hair", self.bone, self.hair),
            ("bone/skin[2]", self.bone, self.skin_tone(2)),   # pelvis over the back
            ("nodule/skin[3]", self.nodule, self.skin_tone(3)),  # injection picture
        ]
        for i, tone in enumerate(self.skin):
            pairs.append((f"paper/skin[{i}]", self.paper, tone))
        for i, c in enumerate(self.cloth):
            pairs.append((f"cloth[{i}]/trousers", c, self.trousers))
        return pairs

    def line_pairs(self) -> list[tuple[str, Color, Color]]:
        """(name, background, line) for thin strokes that carry meaning: each needs contrast() >= 3."""
        return [("soft/warm_line", self.soft, self.warm_line), ("paper/warm_line", self.paper, self.warm_line),
                ("soft/ink", self.soft, self.ink), ("soft/line", self.soft, self.line),
                ("soft/accent", self.soft, self.accent), ("paper/accent", self.paper, self.accent)]


DEFAULT_PALETTE = Palette(
    ink=HexColor("#2B2F36"),
    line=HexColor("#5A6270"),
    paper=HexColor("#FFFFFF"),
    soft=HexColor("#E6F0F2"),
    skin=(
        HexColor("#EFCBAE"),
        HexColor("#D9A47E"),
        HexColor("#B07A52"),
        HexColor("#7A4E36"),
    ),
    skin_layer=HexColor("#D9A47E"),
    hair=HexColor("#3B3330"),
    fat=HexColor("#FAEBB8"),
    nodule=HexColor("#E8B454"),
    fascia=HexColor("#7B8FA4"),
    muscle=HexColor("#9A4A3B"),
    bone=HexColor("#F4EEE0"),
    cloth=(HexColor("#9DB8D9"), HexColor("#A9C9A4"), HexColor("#C9B3D6")),
    trousers=HexColor("#55606E"),
    accent=HexColor("#2F7F8F"),
    warning=HexColor("#C0392B"),
    warm=HexColor("#E89A5B"),
    warm_line=HexColor("#C4642A"),   # 3.5:1 on `soft` (the light orange of `warm` was 2:1, and faint in gray)
    cool=HexColor("#8CC4E0"),
)

