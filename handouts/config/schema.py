"""Declarative schemas of the configuration files: layouts/<name>.yaml, layouts/fonts.yaml and a clinic profile.

Like the content schemas (handouts/content/schema.py, which also turns a schema's complaint into one error line),
each model is what the file may hold, with a description an editor shows. Colours stay hex strings and lengths
stay as written ("18mm") until the code that needs points converts them with `points`; nothing here depends on
the renderer.
"""

from __future__ import annotations

import math
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, RootModel, WithJsonSchema, model_validator

from handouts.content.schema import HEX_COLOUR, Role, Schema, Text, string_shorthand

# Points per unit. A bare number is in points.
UNITS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "": 1.0}
LENGTH_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?\s*$")
LENGTH_PATTERN = r"^\s*\d+(\.\d+)?\s*(mm|cm|in|pt)?\s*$"

Paper = Literal["a4", "letter"]
PageSizeName = Literal["a4", "letter", "a5", "half-letter"]
Kind = Literal["pages", "trifold"]
Imposition = Literal["none", "booklet"]
BlockKind = Literal["all", "summary", "keypoints", "warning", "checklist", "figures", "lists", "paragraphs",
                    "pictures"]
PanelContent = Literal["cover", "contact", "about"]
KINDS: tuple[str, ...] = typing.get_args(Kind)
IMPOSITIONS: tuple[str, ...] = typing.get_args(Imposition)
BLOCK_KINDS: tuple[str, ...] = typing.get_args(BlockKind)


def points(value: str | float) -> float:
    """A length as a layout writes it ('18mm', '0.5in', '12pt' or a bare number of points) in points."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = LENGTH_RE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a length")
    return float(match[1]) * UNITS[match[2] or ""]


def _length(value: Any) -> str | float:
    """Refuse what is not a length, or is negative or infinite (a negative margin clips or overlaps text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"is not a length: {value!r} (write e.g. 18mm, 0.5in or 12pt)")
    try:
        length = points(value)
    except ValueError:
        raise ValueError(f"is not a length: {value!r} (write e.g. 18mm, 0.5in or 12pt)") from None
    if not math.isfinite(length) or length < 0:
        raise ValueError(f"should be a length of zero or more, not {value!r} (write e.g. 18mm, 0.5in or 12pt)")
    return value


Length = Annotated[str | float, BeforeValidator(_length), WithJsonSchema({
    "anyOf": [{"type": "string", "pattern": LENGTH_PATTERN}, {"type": "number", "minimum": 0}]})]
Colour = Annotated[str, Field(pattern=HEX_COLOUR)]


# --- layouts/<name>.yaml ------------------------------------------------------------------------------------

class Margins(Schema):
    top: Length = Field(description="Top margin, e.g. 18mm")
    bottom: Length = Field(description="Bottom margin")
    inside: Length = Field(description="Inside margin (at the spine, or at each fold of a tri-fold)")
    outside: Length = Field(description="Outside margin (at the sheet's edge)")


class Band(Schema):
    height: Length = Field(description="Height of the band, e.g. 9mm (0mm for none)")


class Colours(Schema):
    ink: Colour = Field(description="Body text, e.g. '#1b1f23'")
    muted: Colour = Field(description="Small print; keep 7:1 contrast on white")
    accent: Colour = Field(description="Headings and the cover band (a clinic profile's accent replaces it)")
    accent_text: Colour = Field(description="Text on the accent band")
    tint: Colour = Field(description="Background of key points and summary boxes")
    warning: Colour = Field(description="Border and title of warning boxes (red flags)")
    warning_tint: Colour = Field(description="Background of warning boxes")
    rule: Colour = Field(description="Rules and box borders")


class Cover(Schema):
    band_height: Length = Field("40mm", description="Height of the coloured title band on page 1 (it grows for "
                                                    "a long title)")
    summary: bool = Field(True, description="Put the intro section's summary box on the cover")


HeadingScale = Annotated[float, Field(ge=0.5, le=6.0)]


class LevelLayout(Schema):
    body_size: float = Field(ge=6, le=40, description="Body text size in points")
    leading: float = Field(ge=1.0, le=3.0, description="Line spacing as a multiple of the body size")
    columns: int = Field(1, ge=1, le=3, description="Columns of body text")
    heading_scale: list[HeadingScale] = Field([1.5, 1.2], min_length=2, max_length=2,
                                              description="[h2, h3] sizes relative to the body size")
    figure_width: float = Field(1.0, ge=0.1, le=1.0, description="A figure's share of the frame width")
    picture_width: Length = Field("30mm", description="Width of an Easy Read picture beside its text")
    space_after: float = Field(0.5, ge=0, le=3, description="Space after a paragraph, in body lines")
    label_floor: float = Field(8.0, ge=4, le=40, description="Smallest words inside a figure, in pt (handouts "
                                                             "check --pages holds the PDFs to it)")
    hyphenate: bool = Field(False, description="Hyphenate long words (11 letters or more) where the language has "
                                               "patterns: for narrow columns; leave off for Easy Read and large print")


class Floors(Schema):
    text: float = Field(8.0, ge=4, le=40, description="Smallest body-like text (small print included), in pt")
    furniture: float = Field(8.0, ge=4, le=40, description="Smallest running header, footer and page number, in pt")


class Levels(Schema):
    easy: LevelLayout | None = Field(None, description="Type and columns of the easy level")
    standard: LevelLayout | None = Field(None, description="Type and columns of the standard level")
    detailed: LevelLayout | None = Field(None, description="Type and columns of the detailed level")

    @model_validator(mode="after")
    def _some(self) -> "Levels":
        if not any((self.easy, self.standard, self.detailed)):
            raise ValueError("defines no reading level (add at least one of: easy, standard, detailed)")
        return self


class SectionPickEntry(Schema):
    model_config = ConfigDict(json_schema_extra=string_shorthand("role"))

    role: Role = Field(description="The section placed here, by its role in topic.yaml")
    blocks: list[BlockKind] = Field(["all"], description="Which of its blocks the panel holds")

    @model_validator(mode="before")
    @classmethod
    def _bare_role(cls, value: Any) -> Any:
        return {"role": value} if isinstance(value, str) else value


class PanelEntry(Schema):
    id: Text = Field(description="The panel's name, used in error messages")
    side: Literal["outside", "inside"] = Field(description="Which side of the sheet")
    slot: int = Field(ge=0, le=2, description="0, 1, 2 from the left edge of that side")
    content: list[PanelContent] = Field([], description="Special blocks: cover, contact, about")
    sections: list[SectionPickEntry] = Field([], description="Sections the panel holds, by role")


class LayoutFile(Schema):
    """layouts/<name>.yaml"""

    name: str | None = Field(None, description="The layout's name (the file's name is what --layout takes)")
    description: str = Field("", description="What the layout is for (`handouts list`)")
    kind: Kind = Field("pages", description="pages: flowing pages; trifold: one sheet folded in three")
    papers: list[Paper] = Field(min_length=1, description="Paper sizes it is made for: a4, letter")
    orientation: Literal["portrait", "landscape"] | None = Field(None, description="Portrait (default) or "
                                                                                   "landscape (default for a "
                                                                                   "tri-fold)")
    page_sizes: dict[Paper, PageSizeName] | None = Field(None, description="Paper -> page size drawn on before "
                                                                           "imposition, e.g. {a4: a5}")
    imposition: Imposition = Field("none", description="booklet: two pages a side in saddle-stitch order")
    margins: Margins = Field(description="Page margins")
    header: Band = Field(description="The running header on pages after the first")
    footer: Band = Field(description="The footer with page numbers and the status line")
    gutter: Length = Field("6mm", description="Space between columns")
    fold_marks: bool | None = Field(None, description="Draw fold marks (default for a tri-fold)")
    colours: Colours = Field(description="The palette, as hex colours")
    cover: Cover = Field(Cover(), description="The cover page")
    levels: Levels = Field(description="Type sizes and columns per reading level")
    panels: list[PanelEntry] | None = Field(None, min_length=6, max_length=6,
                                            description="A tri-fold's six panels: side, slot and what each holds")
    floors: Floors = Field(Floors(), description="The smallest type the layout promises its readers, in pt")
    brand: dict[Literal["tint", "rule", "warning_tint"], Annotated[float, Field(ge=0, le=1)]] = Field(
        {"tint": 0.09, "rule": 0.45},
        description="On a clinic-branded copy these colours follow the clinic's accent: the share of the accent "
                    "mixed into white (box backgrounds, box borders and rules)")


# --- layouts/fonts.yaml -------------------------------------------------------------------------------------

class FaceEntry(Schema):
    model_config = ConfigDict(json_schema_extra=string_shorthand("file"))

    file: str = Field(description="Font file, relative to the package's folder (or to handouts/fonts/)")
    axes: dict[str, float] | None = Field(None, description="Axis values of a static instance of a variable "
                                                            "font, e.g. {wght: 700, wdth: 100}")
    embolden: bool = Field(False, description="Draw bold by stroking the outlines (a face with no bold)")

    @model_validator(mode="before")
    @classmethod
    def _bare_file(cls, value: Any) -> Any:
        return {"file": value} if isinstance(value, str) else value


class FontFamily(Schema):
    package: str | None = Field(None, description="The installed Python package that ships the files, e.g. "
                                                  "fontpkg_noto_sans; without it, files come from handouts/fonts/")
    regular: FaceEntry = Field(description="The regular face: a file name or {file, axes, embolden}")
    bold: FaceEntry | None = Field(None, description="The bold face")
    italic: FaceEntry | None = Field(None, description="The italic face")
    bolditalic: FaceEntry | None = Field(None, description="The bold italic face")


class FontsFile(RootModel[dict[str, FontFamily]]):
    """layouts/fonts.yaml: family name -> its faces"""

    model_config = ConfigDict(strict=True, frozen=True)


# --- clinic profile -----------------------------------------------------------------------------------------

def _quoted_number(value: Any) -> Any:
    """YAML turns an unquoted 000 (Australia's emergency number) into 0 and 010 into 8: a bare number is refused
    rather than printed wrong."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
        raise ValueError(f"should be a phone number in quotes, not {value!r} (write it as it is dialled, in "
                         f"quotes, e.g. \"000\"; unquoted, YAML reads 000 as 0)")
    return value


Number = Annotated[str | None, BeforeValidator(_quoted_number)]
# Longest value of each field, in characters: what the cover strip and the contact boxes have room for
# (README.md, "Clinic profile"). An email address is at most 254 characters (RFC 5321).
CLINIC_LIMITS = {"name": 80, "address": 200, "phone": 40, "emergency_number": 40, "urgent_number": 40,
                 "email": 254, "website": 120, "logo": 500, "accent": 32, "clinician": 100}


def _limit(key: str) -> dict[str, Any]:
    return {"json_schema_extra": {"maxLength": CLINIC_LIMITS[key]}}


class ClinicFile(Schema):
    """A clinic profile (--clinic clinic.yaml). Every value is plain text."""

    name: Text = Field(description="The clinic's name, printed as written", **_limit("name"))
    address: Text | None = Field(None, description="Postal address", **_limit("address"))
    phone: Number = Field(None, description="Phone number, printed and a tap-to-call link; quote it",
                          **_limit("phone"))
    emergency_number: Number = Field(None, description="The country's emergency number, in the red-flag box; "
                                                       "quote it (YAML reads 000 as 0)", **_limit("emergency_number"))
    urgent_number: Number = Field(None, description="A same-day urgent line (NHS 111 in England); quote it",
                                  **_limit("urgent_number"))
    email: Text | None = Field(None, description="E-mail address", **_limit("email"))
    website: Text | None = Field(None, description="https:// address: printed, a link and a QR code",
                                 **_limit("website"))
    logo: Text | None = Field(None, description="PNG, JPEG or SVG file relative to the profile; at most 2 MB",
                              **_limit("logo"))
    accent: Colour | None = Field(None, description="Accent colour like '#2e6b3a'; needs 4.5:1 contrast with "
                                                    "white")
    clinician: Text | None = Field(None, description="Optional 'Your clinician' line", **_limit("clinician"))


CONFIG_SCHEMAS = {"layout": LayoutFile, "fonts": FontsFile, "clinic": ClinicFile}
