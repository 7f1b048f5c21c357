"""The clinic's mark on a leaflet: logo, contact block, QR code for the website, and a checked accent colour.

Everything here turns a validated Clinic into flowables or colours. Logos are checked before any page is drawn
(missing, corrupt, huge), and an accent colour that would make headings or the title band hard to read is
refused, with the measured contrast in the message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.platypus import Flowable, Image, Table, TableStyle

from handouts.clinic import Clinic
from handouts.errors import ContentError
from handouts.layouts import Layout

MAX_LOGO_BYTES = 2 * 1024 * 1024       # an emailed leaflet must stay small
MAX_LOGO_PIXELS = 4000 * 4000
MIN_CONTRAST = 4.5                      # WCAG 2 AA for body-size text


def relative_luminance(colour: colors.Color) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red) + 0.7152 * channel(colour.green) + 0.0722 * channel(colour.blue)


def contrast(a: colors.Color, b: colors.Color) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def parse_accent(value: str, *, path: Path | str) -> colors.Color:
    import re

    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ContentError(f"field 'accent' should be a colour like '#1f5f8b', not {value!r}", path=path)
    accent = colors.HexColor(value)
    on_white = contrast(accent, colors.white)
    if on_white < MIN_CONTRAST:
        raise ContentError(
            f"field 'accent': {value} has contrast {on_white:.1f}:1 against white; headings and the title band "
            f"need at least {MIN_CONTRAST}:1", path=path, hint="choose a darker colour")
    return accent


def branded_layout(layout: Layout, clinic: Clinic | None, *, profile_path: Path | str = "clinic profile") -> Layout:
    """The layout with the clinic's accent colour, when it has one (already checked for contrast)."""
    if clinic is None or not clinic.accent:
        return layout
    accent = parse_accent(clinic.accent, path=profile_path)
    palette = dict(layout.colours)
    palette["accent"] = accent
    palette["accent_text"] = colors.white
    return replace(layout, colours=palette)


@dataclass(frozen=True)
class LogoCheck:
    kind: str      # "raster" or "svg"
    width: float   # natural size in points
    height: float


def check_logo(path: Path) -> LogoCheck:
    """Refuse a logo that is missing, not an image, corrupt or too large before anything is drawn."""
    if not path.is_file():
        raise ContentError("logo file not found", path=path, hint="fix 'logo' in the clinic profile")
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise ContentError(f"logo is {size // 1024} KB; at most {MAX_LOGO_BYTES // 1024} KB keeps emailed "
                           "leaflets small", path=path, hint="export a smaller PNG or use SVG")
    if path.suffix.lower() == ".svg":
        drawing = _svg_drawing(path)
        return LogoCheck("svg", float(drawing.width), float(drawing.height))
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as image:
            image.verify()
        with PILImage.open(path) as image:
            width, height = image.size
            fmt = image.format
    except Exception:
        raise ContentError("logo is not a readable PNG, JPEG or SVG image", path=path,
                           hint="re-export the logo as PNG, JPEG or SVG") from None
    if fmt not in ("PNG", "JPEG"):
        raise ContentError(f"logo is a {fmt} image", path=path, hint="use PNG, JPEG or SVG")
    if width * height > MAX_LOGO_PIXELS:
        raise ContentError(f"logo is {width}x{height} pixels, too large", path=path,
                           hint="resize it to at most 1000 pixels wide")
    return LogoCheck("raster", float(width), float(height))


def _svg_drawing(path: Path) -> Drawing:
    try:
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
    except Exception:
        drawing = None
    if drawing is None or not drawing.width or not drawing.height:
        raise ContentError("logo is not a readable SVG image", path=path, hint="re-export the logo as SVG or PNG")
    return drawing


def logo_flowable(path: Path, max_width: float, max_height: float) -> Flowable:
    info = check_logo(path)
    scale = min(max_width / info.width, max_height / info.height)
    if info.kind == "svg":
        drawing = _svg_drawing(path)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = info.width * scale, info.height * scale
        return drawing
    return Image(io.BytesIO(path.read_bytes()), width=info.width * scale, height=info.height * scale)


def qr_drawing(url: str, size: float) -> Drawing:
    """A vector QR code (reportlab's widget): crisp at any print size, no raster image."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), -x0, -y0])
    drawing.add(widget)
    return drawing


def contact_table(rows: list[list[object]], widths: list[float], font: str) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table
