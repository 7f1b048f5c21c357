"""Join PDFs into one packet: a clinic's cover letter plus a leaflet, or one leaflet in two languages.

Each part becomes one top-level bookmark (its title) with the part's own bookmarks nested under it, so a
reader of the packet can still jump to "Treatment" in the second language. PDF has no per-page language
outside tagged structure, so the packet's /Lang is the first part's; screen readers of the other parts fall
back to it. Pure apart from `read_part`, which reads and checks one file for the CLI.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, BooleanObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject

from handouts.errors import HandoutsError


def part_title(reader: PdfReader, fallback: str) -> str:
    """The part's /Title metadata, or `fallback` (the file name) when it has none."""
    title = (reader.metadata or {}).get("/Title")
    return str(title).strip() if title and str(title).strip() else fallback


def read_part(path: Path) -> tuple[str, bytes]:
    """Read one input of `handouts merge`: (title, bytes), or a one-line error that names the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HandoutsError("file not found", path=path, hint="check the path") from None
    except IsADirectoryError:
        raise HandoutsError("is a directory, not a PDF", path=path) from None
    except OSError as exc:
        raise HandoutsError(f"cannot read: {exc.strerror}", path=path) from None
    if b"%PDF-" not in data[:1024]:  # where the PDF specification allows the header
        raise HandoutsError("not a PDF (no %PDF- header)", path=path, hint="give the PDF files to merge")
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # pypdf's repair warnings ("EOF marker not found") would add lines
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise HandoutsError("is encrypted", path=path,
                                hint="merge the unencrypted PDFs, then encrypt the packet with --encrypt")
        if not reader.pages:
            raise HandoutsError("has no pages", path=path)
        for page in reader.pages:  # parse now, so a damaged file fails here, with its name
            page.get_contents()
        title = part_title(reader, path.stem)
    except HandoutsError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; all mean the same to the user
        raise HandoutsError(f"not a readable PDF ({exc})", path=path) from None
    finally:
        pypdf_log.setLevel(level)
    return title, data


def merge_pdfs(parts: list[tuple[str, bytes]], *, title: str | None = None) -> bytes:
    """Concatenate `parts` ((title, PDF bytes), in order) under one outline; the same input gives the same bytes.

    The packet's /Title is `title`, or the parts' titles joined by " / "; its /Lang is the first part's.
    """
    if not parts:
        raise ValueError("nothing to merge")
    writer = PdfWriter()
    first = PdfReader(io.BytesIO(parts[0][1]))
    for part_name, data in parts:
        # append() adds a top-level bookmark `part_name` on the part's first page and nests the part's outline
        # under it; link annotations come along with their pages.
        writer.append(PdfReader(io.BytesIO(data)), outline_item=part_name, import_outline=True)
    info = {key: value for key, value in (first.metadata or {}).items()}
    info["/Title"] = title or " / ".join(name for name, _ in parts)
    writer.add_metadata(info)
    root = writer._root_object
    lang = first.trailer["/Root"].get("/Lang")
    if lang is not None:
        root[NameObject("/Lang")] = TextStringObject(str(lang))
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    prefs = DictionaryObject()
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = prefs
    digest = hashlib.md5(b"".join(hashlib.md5(data).digest() for _, data in parts)).digest()  # identifier only
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
