"""The clinic profile (`--clinic clinic.yaml`): who hands the leaflet out and how to reach them.

Values are plain text. They are escaped where they meet Markdown (templating) and reportlab markup (markup), so a
clinic called `Smith & Jones <Physio>` prints exactly so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from handouts.errors import ContentError
from handouts.reader import load_yaml

FIELDS = ("name", "address", "phone", "email", "website", "logo", "accent", "clinician")
# Longest value of each field, in characters: what the cover strip and the contact boxes have room for
# (README.md, "Clinic profile"). An email address is at most 254 characters (RFC 5321).
LIMITS = {"name": 80, "address": 200, "phone": 40, "email": 254, "website": 120, "logo": 500, "accent": 32,
          "clinician": 100}


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    logo: Path | None = None
    accent: str = ""
    clinician: str = ""

    def as_template_values(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address, "phone": self.phone, "email": self.email,
                "website": self.website, "clinician": self.clinician}


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
        if not isinstance(value, (str, int)):
            raise ContentError(f"field '{key}' should be text", path=path)
        values[key] = str(value).strip()
        if len(values[key]) > LIMITS[key]:
            raise ContentError(f"field '{key}' is {len(values[key]):,} characters; the limit is {LIMITS[key]:,}",
                               path=path, hint="shorten it")
    if "logo" in values:
        logo = (path.parent / values["logo"]).resolve()
        if not logo.is_file():
            raise ContentError(f"field 'logo': file {logo} not found", path=path,
                               hint="give a path relative to the profile")
        values["logo"] = logo
    from handouts.branding import check_logo, parse_accent  # local: branding needs reportlab, clinic does not

    if "logo" in values:
        check_logo(values["logo"])
    if values.get("accent"):
        parse_accent(values["accent"], path=path)
    if values.get("website") and not values["website"].startswith(("http://", "https://")):
        raise ContentError(f"field 'website' should start with https:// (got {values['website']!r})", path=path)
    return Clinic(**values)
