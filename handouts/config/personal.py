"""A personalised copy for one patient: their name and the date on the cover, the clinician's note in a boxed
"Your plan", and a blank "My questions" area.

Personal data goes onto the page only. It never reaches file metadata, the manifest or logs; the file name
carries only a slug of the name so that the physiotherapist can find the file before emailing it.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import unicodedata
from dataclasses import dataclass



@dataclass(frozen=True)
class PersonalCopy:
    patient: str
    clinician: str = ""
    note: str = ""
    date: _dt.date | None = None

    def when(self) -> _dt.date:
        """The date printed on the copy: SOURCE_DATE_EPOCH when reproducing a build, otherwise today."""
        if self.date is not None:
            return self.date
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
        return _dt.date.today()


def slug(text: str) -> str:
    """ASCII, lower case, hyphens: safe in any file system and in an email attachment name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_text).strip("-").lower()
    return cleaned[:40] or "patient"
