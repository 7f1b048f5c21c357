"""`--fhir`: the DocumentReference written beside each PDF a build (or a personalised copy) makes, and
`handouts fhir bundle` (fhir_bundle.py), the Bundle of a whole build.

The record is part of its PDF's manifest entry (`"fhir": {path, bytes, sha256}`), so everything that trusts the
manifest treats the pair as one output: an entry whose record is missing or changed is rebuilt, `--prune`
deletes both, and `manifest merge` checks and copies both. `--fhir` is an input of every document (inputs.py),
so a build with it and one without are different plans and never mix in one manifest or one merge.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.dates import build_timestamp
from handouts.document import metadata
from handouts.record.fhir import SUFFIX, LeafletFacts, document_reference, to_json

if TYPE_CHECKING:
    from handouts.config.clinic import Clinic
    from handouts.content.languages import Language
    from handouts.content.model import Document

RECORDED_FORMATS = ("pdf",)   # a web page is a preview of the leaflet, not a document to file


def record_path(pdf: Path) -> Path:
    """The record beside a PDF: `<file>.fhir.json`."""
    return pdf.with_name(pdf.name + SUFFIX)


def leaflet_record(document: "Document", language: "Language", clinic: "Clinic | None", data: bytes, *, url: str,
                   identity: str, personal: bool = False) -> bytes:
    """The DocumentReference of one rendered file, from the same document the renderer read (matrix.job_document).
    A personalised copy's record has a placeholder subject and nothing of the patient."""
    meta = metadata(document, language, clinic)
    facts = LeafletFacts(identity=identity, url=url, title=meta["title"], language=language.code,
                         draft=document.status == "draft", date=build_timestamp(document.topic.published),
                         author=meta["author"], data=data, personal=personal)
    return to_json(document_reference(facts))


def record_entry(relpath: str, record: bytes) -> dict:
    """The `fhir` field of a manifest entry: the record's path (relative to OUT), size and SHA-256."""
    return {"path": relpath + SUFFIX, "bytes": len(record), "sha256": hashlib.sha256(record).hexdigest()}


def record_intact(pdf: Path, entry: dict) -> bool:
    """Whether the record an entry names (if any) is still beside its PDF with the recorded hash."""
    recorded = entry.get("fhir")
    if recorded is None:
        return True
    path = record_path(pdf)
    try:
        if not isinstance(recorded, dict) or path.resolve().parent != pdf.resolve().parent:
            return False   # a symlink out of the folder: not this build's file
        data = path.read_bytes()
    except (OSError, RuntimeError):
        return False
    return len(data) == recorded.get("bytes") and hashlib.sha256(data).hexdigest() == recorded.get("sha256")


def remove_record(pdf: Path) -> None:
    """Delete the record beside `pdf`, if there is one; a folder of that name is not this build's and stays."""
    path = record_path(pdf)
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
