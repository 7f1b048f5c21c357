"""The clinic profile (`--clinic clinic.yaml`): who hands the leaflet out and how to reach them, and the mark it
leaves on a layout (a checked accent colour).

Logos are checked before any page is drawn (missing, corrupt, huge), and an accent colour that would make headings
or the title band hard to read is refused, with the measured contrast in the message. Values are plain text. They are escaped where they meet Markdown (templating) and reportlab markup (markup), so a
clinic called `Smith & Jones <Physio>` prints exactly so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from handouts.errors import ContentError
from handouts.confine import confined
from handouts.content.phone import PhoneError, tel_href
from handouts.config.layouts import Layout
from handouts.content.reader import load_yaml

FIELDS = ("name", "address", "phone", "emergency_number", "urgent_number", "email", "website", "logo", "accent",
          "clinician")
# Longest value of each field, in characters: what the cover strip and the contact boxes have room for
# (README.md, "Clinic profile"). An email address is at most 254 characters (RFC 5321).
LIMITS = {"name": 80, "address": 200, "phone": 40, "emergency_number": 40, "urgent_number": 40, "email": 254,
          "website": 120, "logo": 500, "accent": 32, "clinician": 100}
# Numbers a reader may have to dial in a hurry: printed in the red-flag box and linked with tel:.
NUMBER_FIELDS = ("phone", "emergency_number", "urgent_number")


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    address: str = ""
    phone: str = ""
    emergency_number: str = ""   # the country's (999, 112, 911, 000): it depends on the country, not the language
    urgent_number: str = ""      # a same-day urgent advice line (NHS 111 in England), if the clinic's area has one
    email: str = ""
    website: str = ""
    logo: Path | None = None
    accent: str = ""
    clinician: str = ""

    def as_template_values(self) -> dict[str, str]:
        """The `clinic.*` template variables; each number also as a ready tel: target (`clinic.phone_tel`), so
        content can write `[{{ clinic.phone }}]({{ clinic.phone_tel }})` without knowing how to normalise it."""
        values = {"name": self.name, "address": self.address, "phone": self.phone,
                  "emergency_number": self.emergency_number, "urgent_number": self.urgent_number,
                  "email": self.email, "website": self.website, "clinician": self.clinician}
        values.update({f"{key}_tel": tel_href(getattr(self, key)) if getattr(self, key) else ""
                       for key in NUMBER_FIELDS})
        return values


def load_clinic(path: Path) -> Clinic:
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise ContentError("a clinic profile should be a mapping of fields", path=path,
                           hint=f"use the keys {', '.join(FIELDS)}")
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        from handouts.suggest import closest

        raise ContentError(f"unknown field '{unknown[0]}'{closest(str(unknown[0]), FIELDS)}", path=path,
                           hint=f"the fields are {', '.join(FIELDS)}")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ContentError("field 'name' is required", path=path, hint="add 'name: Your Clinic'")
    values: dict[str, Any] = {}
    for key in FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if key in NUMBER_FIELDS:
            values[key] = _number(key, value, path)
        elif not isinstance(value, (str, int)):
            raise ContentError(f"field '{key}' should be text", path=path)
        else:
            values[key] = str(value).strip()
        if len(values[key]) > LIMITS[key]:
            raise ContentError(f"field '{key}' is {len(values[key]):,} characters; the limit is {LIMITS[key]:,}",
                               path=path, hint="shorten it")
    if "logo" in values:  # the profile's folder is the logo's root: no absolute paths, '../' or symlinks out
        logo = confined(path.parent, values["logo"], what="field 'logo':", source=path,
                        hint="put the logo in the profile's folder and give its name").resolve()
        if not logo.is_file():
            raise ContentError(f"field 'logo': file {logo} not found", path=path,
                               hint="give a path relative to the profile")
        values["logo"] = logo
    if "logo" in values:
        check_logo(values["logo"])
    if values.get("accent"):
        parse_accent(values["accent"], path=path)
    if values.get("website") and not values["website"].startswith(("http://", "https://")):
        raise ContentError(f"field 'website' should start with https:// (got {values['website']!r})", path=path)
    return Clinic(**values)


def _number(key: str, value: object, path: Path) -> str:
    """A number to dial, as the profile wrote it. YAML turns an unquoted 000 (Australia's emergency number) into
    0 and 010 into 8, so a bare number is refused rather than printed wrong; one that cannot be dialled is refused
    with what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ContentError(f"field '{key}' should be a phone number in quotes, not {value!r}",
                           path=path, hint=f'write it as it is dialled, in quotes, e.g. {key}: "000"; unquoted, '
                                           f'YAML reads 000 as 0')
    text = value.strip()
    try:
        tel_href(text)
    except PhoneError as exc:
        raise ContentError(f"field '{key}': {exc}", path=path,
                           hint="write the number as it is dialled, e.g. +44 20 7946 0000, 999 or "
                                "1-800-356-9377 ext 5") from None
    return text


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
        drawing = svg_drawing(path)
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


def svg_drawing(path: Path) -> Drawing:
    try:
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
    except Exception:
        drawing = None
    if drawing is None or not drawing.width or not drawing.height:
        raise ContentError("logo is not a readable SVG image", path=path, hint="re-export the logo as SVG or PNG")
    return drawing
