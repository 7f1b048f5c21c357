"""A personalised copy for one patient: their name and the date on the cover, the clinician's note in a boxed
"Your plan", the exercises the clinician chose with their dose ("Your exercises", from a plan file, see
`exercise_plan.py`), and a blank "My questions" area.

Personal data goes onto the page only. It never reaches file metadata, the manifest, logs or the file name: the
file name ends in a keyed hash of the name (see `copy_name`), distinct for distinct patients.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import HandoutsError, UsageError

if TYPE_CHECKING:   # only named in annotations: a copy without exercises does not load the exercise library
    from handouts.content.exercises import ExerciseText

# What a personalised copy accepts, in characters (README.md, "Clinic profile"): a name fits the cover line,
# a note of up to MAX_NOTE always renders (flowing across pages when the cover cannot hold it).
MAX_PATIENT = 100
MAX_CLINICIAN = 100
MAX_NOTE = 4_000

SECRET_NAME = ".handouts-secret"
DIGEST_CHARS = 16  # 64 bits: two patients of one clinic colliding is not a practical concern


@dataclass(frozen=True)
class Dose:
    """How much of one exercise: the plan file's numbers, already checked to be possible."""

    sets: int
    reps: int
    hold_seconds: int = 0
    per_day: int = 1


@dataclass(frozen=True)
class Prescription:
    """One exercise of a patient's copy: its words in the copy's language and level, and the dose."""

    text: ExerciseText
    dose: Dose


@dataclass(frozen=True)
class PersonalCopy:
    patient: str
    clinician: str = ""
    note: str = ""
    date: _dt.date | None = None
    exercises: tuple[Prescription, ...] = ()
    given_in: str = ""       # where the values came from, for errors: "" for the command line, else a plan file

    def where(self, name: str) -> str:
        """How an error names one value: `--note` on the command line, `plan.yaml field 'note'` from a plan."""
        return f"{self.given_in} field '{name}'" if self.given_in else f"--{name}"

    def __post_init__(self) -> None:
        for option, value, limit in (("--patient", self.patient, MAX_PATIENT),
                                     ("--clinician", self.clinician, MAX_CLINICIAN), ("--note", self.note, MAX_NOTE)):
            if len(value) > limit:
                raise UsageError(f"{option} is {len(value):,} characters; the limit is {limit:,}")

    def when(self) -> _dt.date:
        """The date printed on the copy: SOURCE_DATE_EPOCH when reproducing a build, otherwise today."""
        if self.date is not None:
            return self.date
        from handouts.dates import source_date_epoch

        epoch = source_date_epoch()
        return epoch.date() if epoch is not None else _dt.date.today()


def normalised_name(name: str) -> str:
    """The form two spellings of one name share: NFKC, case folded, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def output_secret(out_dir: Path) -> bytes:
    """The output directory's key for patient file names, made on first use (`OUT/.handouts-secret`, mode 0600).

    Per directory, so that file names made for one clinic's folder cannot be matched with another's.
    """
    path = out_dir / SECRET_NAME
    hint = f"delete {SECRET_NAME} to start a new key (existing copies keep their names)"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise HandoutsError(f"cannot create the file-name key: {exc.strerror}", path=path, hint=hint) from None
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    try:  # O_NOFOLLOW: a planted symlink must not make us read a file outside the output directory
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            text = handle.read(200).decode("ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError):
        key = b""
    if len(key) < 16:
        raise HandoutsError("the file-name key is unreadable or not a hex key", path=path, hint=hint)
    return key


def copy_name(out_dir: Path, stem: str, patient: str) -> str:
    """`<stem>_<hash>.pdf` for one patient's copy.

    The hash is HMAC-SHA256 of the normalised name keyed with the output directory's secret, cut to 16 hex
    digits. It carries no part of the name. The slug it replaces did, and it also merged patients: 李雷 and 韩梅梅
    both became `patient`, and names alike in their first 40 letters one file. A plain hash could be matched
    against a list of names; with the key, one patient keeps one file name in that folder and nobody without
    the key can tell whose it is.
    """
    digest = hmac.new(output_secret(out_dir), normalised_name(patient).encode("utf-8"), hashlib.sha256)
    return f"{stem}_{digest.hexdigest()[:DIGEST_CHARS]}.pdf"
