"""Finish a PDF with pypdf after reportlab wrote it.

Dates: the creation and modification dates come from SOURCE_DATE_EPOCH when set, otherwise from the content's
own publication date, never from the clock, so rebuilding unchanged content gives the same bytes. The viewer
opens with the bookmarks showing and the document title (not the file name) in its title bar.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject

if TYPE_CHECKING:
    from handouts.tagging import Tagger


def build_timestamp(published: _dt.date) -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime(published.year, published.month, published.day, tzinfo=_dt.timezone.utc)


def pdf_date(moment: _dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def finish_pdf(data: bytes, *, published: _dt.date, tagger: "Tagger | None" = None) -> bytes:
    """`tagger`: the marked content recorded while drawing; its structure tree is added (tagged PDF)."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    stamp = pdf_date(build_timestamp(published))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    root = writer._root_object
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    prefs = root.get("/ViewerPreferences")
    prefs = prefs.get_object() if prefs is not None else DictionaryObject()
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = prefs
    if tagger is not None:
        tagger.write(writer)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

