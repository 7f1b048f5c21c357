"""The clinic profile (`--clinic clinic.yaml`): who hands the leaflet out and how to reach them, and the mark it
leaves on a layout (a checked accent colour).

Logos are checked before any page is drawn (missing, corrupt, huge), and an accent colour that would make headings
or the title band hard to read is refused, with the measured contrast in the message. Values are plain text. They are escaped where they meet Markdown (templating) and reportlab markup (markup), so a
clinic called `Smith & Jones <Physio>` prints exactly so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing

from handouts.errors import ContentError
from handouts.confine import confined
from handouts.content.phone import PhoneError, tel_href
from handouts.content.reader import load_yaml
from handouts.config.layouts import Layout, rgb


def __getattr__(name: str) -> Any:
    """FIELDS and LIMITS (the profile's keys and their lengths) come from the schema, imported when first asked
    for: a build without a profile does not load the schemas for them."""
    if name in ("FIELDS", "LIMITS"):
        from handouts.config.schema import CLINIC_LIMITS, ClinicFile

        return tuple(ClinicFile.model_fields) if name == "FIELDS" else CLINIC_LIMITS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
    """The profile as its schema (handouts/config/schema.py) reads it, then what needs more than the file: lengths
    the boxes have room for, numbers that can be dialled, a logo inside the profile's folder, a readable accent."""
    from handouts.config.schema import CLINIC_LIMITS as LIMITS, ClinicFile
    from handouts.content.schema import validate

    profile = validate(ClinicFile, load_yaml(path), path=path)
    values: dict[str, Any] = {key: value.strip() for key, value in profile.model_dump().items()
                              if value is not None}
    if not values["name"]:
        raise ContentError("field 'name' is required", path=path, hint="add 'name: Your Clinic'")
    for key, value in values.items():
        if len(value) > LIMITS[key]:
            raise ContentError(f"field '{key}' is {len(value):,} characters; the limit is {LIMITS[key]:,}",
                               path=path, hint="shorten it")
        if key in NUMBER_FIELDS:
            _check_number(key, value, path)
    if "logo" in values:  # the profile's folder is the logo's root: no absolute paths, '../' or symlinks out
        logo = confined(path.parent, values["logo"], what="field 'logo':", source=path,
                        hint="put the logo in the profile's folder and give its name").resolve()
        if not logo.is_file():
            raise ContentError(f"field 'logo': file {logo} not found", path=path,
                               hint="give a path relative to the profile")
        values["logo"] = logo
        check_logo(logo)
    if values.get("accent"):
        parse_accent(values["accent"], path=path)
    if values.get("website") and not values["website"].startswith(("http://", "https://")):
        raise ContentError(f"field 'website' should start with https:// (got {values['website']!r})", path=path)
    return Clinic(**values)


def _check_number(key: str, text: str, path: Path) -> None:
    """A number to dial, as the profile wrote it (the schema refused bare YAML numbers): one that cannot be dialled
    is refused with what is wrong with it."""
    try:
        tel_href(text)
    except PhoneError as exc:
        raise ContentError(f"field '{key}': {exc}", path=path,
                           hint="write the number as it is dialled, e.g. +44 20 7946 0000, 999 or "
                                "1-800-356-9377 ext 5") from None


MAX_LOGO_BYTES = 2 * 1024 * 1024       # an emailed leaflet must stay small
MAX_LOGO_PIXELS = 4000 * 4000
MIN_CONTRAST = 4.5                      # WCAG 2 AA for body-size text
WHITE = "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb(colour)
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a: str, b: str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


def parse_accent(value: str, *, path: Path | str) -> str:
    """The accent colour, refused when headings and the title band drawn in it would be hard to read."""
    from handouts.content.schema import HEX_COLOUR

    if not re.fullmatch(HEX_COLOUR, value):
        raise ContentError(f"field 'accent' should be a colour like '#1f5f8b', not {value!r}", path=path)
    on_white = contrast(value, WHITE)
    if on_white < MIN_CONTRAST:
        raise ContentError(
            f"field 'accent': {value} has contrast {on_white:.1f}:1 against white; headings and the title band "
            f"need at least {MIN_CONTRAST}:1", path=path, hint="choose a darker colour")
    return value


def branded_layout(layout: Layout, clinic: Clinic | None, *, profile_path: Path | str = "clinic profile") -> Layout:
    """The layout with the clinic's accent colour, when it has one (already checked for contrast): headings,
    the band, links and bullets take it, and the colours the layout's `brand` names (box backgrounds, borders,
    rules) become tints of it, so that a green clinic's leaflet has no blue boxes left."""
    if clinic is None or not clinic.accent:
        return layout
    palette = dict(layout.colours)
    accent = parse_accent(clinic.accent, path=profile_path)
    palette["accent"] = accent
    palette["accent_text"] = WHITE
    for name, share in sorted(layout.brand.items()):
        palette[name] = mix_with_white(accent, share)
    return replace(layout, colours=palette)


def mix_with_white(colour: str, share: float) -> str:
    """`share` of `colour` mixed into white, as a hex colour ('#1f5f8b' at 0.09 is a pale blue tint)."""
    return "#" + "".join(f"{round(255 - share * (255 - c * 255)):02x}" for c in rgb(colour))


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
