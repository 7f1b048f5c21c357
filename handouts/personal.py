"""A personalised copy for one patient: their name and the date on the cover, the clinician's note in a boxed
"Your plan", and a blank "My questions" area.

Personal data goes onto the page only. It never reaches file metadata, the manifest or logs; the file name
carries only a slug of the name so that the physiotherapist can find the file before emailing it.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from handouts.errors import UsageError

# What a personalised copy accepts, in characters (README.md, "Clinic profile"): a name fits the cover line,
# a note of up to MAX_NOTE always renders (flowing across pages when the cover cannot hold it).
MAX_PATIENT = 100
MAX_CLINICIAN = 100
MAX_NOTE = 4_000


@dataclass(frozen=True)
class PersonalCopy:
    patient: str
    clinician: str = ""
    note: str = ""
    date: _dt.date | None = None

    def __post_init__(self) -> None:
        for option, value, limit in (("--patient", self.patient, MAX_PATIENT),
                                     ("--clinician", self.clinician, MAX_CLINICIAN), ("--note", self.note, MAX_NOTE)):
            if len(value) > limit:
                raise UsageError(f"{option} is {len(value):,} characters; the limit is {limit:,}")

    def when(self) -> _dt.date:
        """The date printed on the copy: SOURCE_DATE_EPOCH when reproducing a build, otherwise today."""
        if self.date is not None:
            return self.date
        from handouts.postprocess import source_date_epoch  # local: postprocess needs pypdf, this module not

        epoch = source_date_epoch()
        return epoch.date() if epoch is not None else _dt.date.today()


def slug(text: str) -> str:
    """ASCII, lower case, hyphens: safe in any file system and in an email attachment name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_text).strip("-").lower()
    return cleaned[:40] or "patient"


def ruled_lines(width: float, count: int, spacing: float, colour) -> Drawing:
    """Lines to write on by hand."""
    drawing = Drawing(width, count * spacing)
    for index in range(count):
        y = index * spacing + 2
        drawing.add(Line(0, y, width, y, strokeColor=colour, strokeWidth=0.6))
    return drawing


def boxed(rows: list[list[object]], width: float, *, background, border, font: str, pad: float,
          split_in_row: bool = False) -> Table:
    """`split_in_row`: a row (a long paragraph of a clinician's note) may break across columns and pages. Only
    for rows of paragraphs: reportlab's in-row split fails on a cell whose flowable cannot split (a QR code)."""
    table = Table(rows, colWidths=[width], hAlign="LEFT", splitInRow=int(split_in_row))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font),
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("BOX", (0, 0), (-1, -1), 1.2, border),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
    ]))
    table.spaceBefore = pad
    table.spaceAfter = pad
    return table


def spacer(height: float) -> Flowable:
    return Spacer(1, height)
