"""A figure's size and recorded form content kept in the disk cache (handouts.diskcache), so that a new process
replays it instead of building its shapes and walking them with renderPDF: about a tenth of a cold one-leaflet
build, for what is the same in every process.

An entry is named by everything the figure's drawing depends on: its id, labels and width, the style's fonts (the
registered names, and the hash of each face file of the language's chain, whose metrics place and wrap the
labels), palette, direction and label floor, the tool's code and the libraries that draw it (diskcache's
fingerprint). The form state a recording was made in is the recording's own key (formcache.form_state), kept with
it. Only recordings made of plain values are kept (operator strings, numbers, names, reportlab colours), since
those pickle to themselves and replay to the same bytes; anything else is simply not kept, and a figure whose
style cannot be named this way (a caller's own style) is not kept either. A bad entry is built again, never an
error (diskcache).

A figure is kept when it is built (its size: a balancing try that is only laid out needs no more, and a new
process then builds nothing for that try either) and again when its form is recorded."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts.diskcache import entry_path, recalled, store

KIND = "figure"
# What builds and draws a figure: the shapes and renderPDF, label shaping and outlines, bidi for RTL labels.
LIBRARIES = ("reportlab", "uharfbuzz", "fontTools", "bidi")
# Entries of 0.2 to 110 kB (11 kB on average): the default build keeps some 450 (5 MB); room for its grayscale,
# bleed and branded twins and other trees beside it (the kind's bytes are bounded too: diskcache.MAX_KIND_BYTES).
MAX_ENTRIES = 4096


@dataclass(frozen=True)
class KeptFigure:
    """What a process needs of a figure: its size and its recordings by form state (formcache.Recording)."""

    width: float
    height: float
    recordings: dict


def entry(fig_id: str, labels: tuple[tuple[str, str], ...], style: Any, width: float) -> Path | None:
    """The disk cache entry of this figure, or None when its style cannot be named exactly (then it is not kept)."""
    named = _style_key(style)
    if named is None:
        return None
    return entry_path(KIND, [fig_id, repr(labels), repr(float(width)), named], LIBRARIES)


def recall(path: Path) -> KeptFigure | None:
    """The figure kept at `path`, or None: absent, damaged, or not what keep writes."""
    kept = recalled(path, None)
    return kept if isinstance(kept, KeptFigure) and isinstance(kept.recordings, dict) else None


def keep(path: Path, width: float, height: float, recordings: dict) -> None:
    """Keep the figure's size and the recordings made so far, if all of them are plain data."""
    if all(_plain_recording(recording) for recording in recordings.values()):
        store(path, KeptFigure(width, height, dict(recordings)), max_entries=MAX_ENTRIES)


@lru_cache(maxsize=64)
def _style_key(style: Any) -> str | None:
    """An exact text of what a FigureStyle draws with: fonts with the hashes of their files, the palette's colours
    with every value they hold, direction and label floor. Once per style and process (a document's figures
    share one; its fonts are registered once per process too)."""
    from handouts.figures.style import FigureStyle
    from handouts.text.fonts import FontChain, font_file_key

    if type(style) is not FigureStyle or type(style.chain) is not FontChain:
        return None
    palette = []
    for spec in fields(style.palette):
        value = getattr(style.palette, spec.name)
        colours = value if isinstance(value, tuple) else (value,)
        if not all(_plain_colour(colour) for colour in colours):
            return None
        palette.append((spec.name, [_colour_key(colour) for colour in colours]))
    chain = [(family.name, sorted((face_style, face.name, face.embolden, font_file_key(face.path))
                                  for face_style, face in family.faces.items()))
             for family in style.chain.families]
    return repr((style.font, style.bold_font, style.rtl, float(style.label_floor), style.chain.lang, chain,
                 palette))


def _plain_colour(value: Any) -> bool:
    from reportlab.lib import colors

    return type(value) in (colors.Color, colors.CMYKColor, colors.CMYKColorSep, colors.PCMYKColor,
                           colors.PCMYKColorSep) and all(type(v) in _PLAIN for v in vars(value).values())


def _colour_key(colour: Any) -> tuple:
    return type(colour).__name__, sorted((name, repr(value)) for name, value in vars(colour).items())


_PLAIN = (str, int, float, bool, type(None))


def _plain_value(value: Any) -> bool:
    if type(value) in _PLAIN:
        return True
    if type(value) is tuple:
        return all(_plain_value(item) for item in value)
    return _plain_colour(value)


def _plain_recording(recording: tuple) -> bool:
    """Whether every piece of a recording pickles to an equal piece of the same types (formcache's pieces)."""
    from handouts.pdf.formcache import Call, GStates

    for piece in recording:
        if type(piece) is tuple:
            if not all(type(line) is str for line in piece):
                return False
        elif type(piece) is Call:
            if not (_plain_value(piece.args) and all(type(k) is str and _plain_value(v) for k, v in piece.kwargs)):
                return False
        elif type(piece) is GStates:
            if not (_plain_value(piece.names) and _plain_value(piece.values) and type(piece.transparency) is bool):
                return False
        else:
            return False
    return True
