"""The clinic profile (`--clinic clinic.yaml`): who hands the leaflet out and how to reach them.

Values are plain text. They are escaped where they meet Markdown (templating) and reportlab markup (markup), so a
clinic called `Smith & Jones <Physio>` prints exactly so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from handouts.errors import ContentError
from handouts.model import tel_href
from handouts.reader import load_yaml

FIELDS = ("name", "address", "phone", "emergency_number", "urgent_number", "email", "website", "logo", "accent",
          "clinician")
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
        values.update({f"{key}_tel": tel_href(getattr(self, key)) for key in NUMBER_FIELDS})
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
            continue
        if not isinstance(value, (str, int)):
            raise ContentError(f"field '{key}' should be text", path=path)
        values[key] = str(value).strip()
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


def _number(key: str, value: object, path: Path) -> str:
    """A number to dial, as the profile wrote it. YAML turns an unquoted 000 (Australia's emergency number) into
    0 and 010 into 8, so a bare number is refused rather than printed wrong; one with no digit cannot be dialled."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise ContentError(f"field '{key}' should be a phone number in quotes, not {value!r}",
                           path=path, hint=f'write it as it is dialled, in quotes, e.g. {key}: "000"; unquoted, '
                                           f'YAML reads 000 as 0')
    text = value.strip()
    if not tel_href(text):
        raise ContentError(f"field '{key}' has no digits to dial: {text!r}", path=path,
                           hint="give the number as it is dialled, e.g. +44 20 7946 0000 or 999")
    return text
