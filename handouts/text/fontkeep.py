"""A TrueType face as reportlab parsed it, kept in the disk cache so that a later process registers the font
without parsing the file again.

reportlab's TTFont parses the whole file when it is made (TTFontFile.extractInfo: the table directory, names,
metrics, the character map, every glyph's width and position): some 5 ms a face on a cold leaflet, a third of a
second over the faces of the default matrix. What it leaves is plain data (dicts, lists, numbers, names), a pure
function of the file's bytes and reportlab's version: kept under the hash of the bytes (text.fonts._font_key), the
name it is registered under and the reportlab settings parsing reads (_settings), with reportlab's and uharfbuzz's
versions (a changed file, setting or library gives another key). The raw bytes are not kept: they are read from the
file as reportlab reads them, because makeSubset cuts each embedded subset out of them and HarfBuzz shapes from
them, so the subset is the same bytes whether the face was parsed or restored (tests compare whole PDFs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.diskcache import entry_path, recalled, store

_LIBRARIES = ("reportlab", "uharfbuzz")
# What is not kept: the file's bytes (read again), the font's per-document state (empty when it is made) and
# the face's scale function (a lambda of unitsPerEm, made again as extractInfo makes it).
_FACE_SKIPPED = ("_ttf_data", "_pdfScale")
_FONT_SKIPPED = ("face", "state")


@dataclass
class KeptFont:
    """The attributes of a freshly made TTFont and of its face, without what _FACE_SKIPPED/_FONT_SKIPPED name."""

    font: dict[str, Any]
    face: dict[str, Any]


def tt_font(name: str, path: str, key: str) -> Any:
    """reportlab's TTFont for the file at `path` (whose bytes hash to `key`), registered as `name`: restored from
    the disk cache when an earlier process parsed the same bytes, otherwise parsed now and kept."""
    from reportlab.pdfbase.ttfonts import TTFont

    entry = entry_path("font-face", [key, name, os.path.basename(path), _settings()], _LIBRARIES)
    kept = recalled(entry, None)
    if isinstance(kept, KeptFont):
        return restored(kept, path)
    font = TTFont(name, path)
    store(entry, kept_of(font))
    return font


def _settings() -> str:
    """The reportlab settings that parsing a face and making its TTFont read (besides the bytes, the name and, for
    the subsetting exceptions, the file's name): part of the entry's key, as they can be changed per machine or
    process (reportlab's local settings, RL_ environment variables)."""
    from reportlab import rl_config

    names = ("autoGenerateTTFMissingTTFName", "allowTTFSubsetting", "ttfAsciiReadable", "unShapedFontGlob")
    return repr([getattr(rl_config, name, None) for name in names])   # the first is not defined in every version


def kept_of(font: Any) -> KeptFont:
    """What the disk cache keeps of a TTFont made just now."""
    return KeptFont({k: v for k, v in font.__dict__.items() if k not in _FONT_SKIPPED},
                    {k: v for k, v in font.face.__dict__.items() if k not in _FACE_SKIPPED})


def restored(kept: KeptFont, path: str) -> Any:
    """The TTFont that `kept` was taken from, for the file at `path`, made without parsing it."""
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(kept.face)
    face.filename = path     # the same bytes may have been kept from a copy of the file elsewhere
    face._ttf_data = Path(path).read_bytes()
    face._pdfScale = _scale(face.unitsPerEm)
    font = TTFont.__new__(TTFont)
    font.__dict__.update(kept.font)
    font.face = face
    font.state = WeakKeyDictionary()
    return font


def _scale(units_per_em: int) -> Any:
    """Font units to thousandths of the font size, as extractInfo makes it (the same arithmetic, so the same
    floats)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor
