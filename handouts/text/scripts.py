"""Which runs of a text are in another language: Latin words inside a document of another script.

Arabic, Hindi and Chinese leaflets carry English terms (MRI, a reference's title, a URL, a clinic's or a
patient's name) that the author never marks. A screen reader would read them with the document's voice, so
every run of Latin letters in a document whose own script is not Latin is given the language Latin text is
taken from (`LATIN_SOURCE`, English), unless the content marked the run itself (`[words]{lang=la}`). In a
Latin-script document nothing is marked automatically: a Latin word there is taken to be in the document's
language.

A run starts and ends with a Latin letter and holds Latin letters, digits, combining marks, spaces and the
punctuation Latin text uses ("thoracolumbar fascia", "Bicket et al.", "www.nhs.uk", "Smith & Jones"), but no
letter or punctuation of another script: "MRI أو CT" is two runs, and the brackets around "(MRI)" stay outside.
"""

from __future__ import annotations

import re
import unicodedata

LATIN = "Latn"
LATIN_SOURCE = "en"


def latin_language(script: str) -> str | None:
    """The language to mark Latin runs with in a document of this ISO 15924 script, or None (a Latin document)."""
    return None if script == LATIN else LATIN_SOURCE


def is_latin_letter(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char).startswith("L") and (
        code < 0x0250 or 0x1E00 <= code <= 0x1EFF or 0x2C60 <= code <= 0x2C7F or 0xA720 <= code <= 0xA7FF)


def _inside_latin(char: str) -> bool:
    """May this character stand between two Latin letters of one run?"""
    code = ord(char)
    if is_latin_letter(char) or unicodedata.category(char).startswith("M"):
        return True
    if unicodedata.category(char).startswith("L"):
        return False                          # a letter of another script ends the run
    return code < 0x0250 or 0x2000 <= code <= 0x206F   # ASCII and Latin-1 punctuation, digits, dashes, quotes


# every character that may be a Latin letter (is_latin_letter's ranges, its letters below U+0250): where none is, no
# run starts, so a line of Hindi or Arabic is not read character by character until its next Latin word
_MAYBE_LATIN = re.compile("[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff]")


def latin_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every run of Latin words in `text`."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    last = 0   # one past the last Latin letter of the open run
    index = 0
    while True:
        if start is None:   # between runs: skip to the next character that may open one
            found = _MAYBE_LATIN.search(text, index)
            if found is None:
                break
            index = found.start()
        if index >= len(text):
            break
        char = text[index]
        if is_latin_letter(char):
            if start is None:
                start = index
            last = index + 1
        elif start is not None and not _inside_latin(char):
            runs.append(_closed(text, start, last))
            start = None
        index += 1
    if start is not None:
        runs.append(_closed(text, start, last))
    return runs


_CLOSERS = {")": "(", "]": "[", ">": "<"}


def _closed(text: str, start: int, end: int) -> tuple[int, int]:
    """A run that opened a bracket keeps its closing one ("Smith & Jones <Physio>")."""
    if end < len(text) and text[end] in _CLOSERS:
        run = text[start:end]
        if run.count(_CLOSERS[text[end]]) > run.count(text[end]):
            return start, end + 1
    return start, end


def languages(text: str, marked: list[str | None], latin: str | None) -> list[str | None]:
    """The language of each character of `text`: the content's own mark (`marked`, one per character) where it
    gave one, else `latin` for characters of a Latin run (when the document's script is not Latin), else None
    (the document's language)."""
    out = list(marked)
    if latin is not None:
        for start, end in latin_runs(text):
            for index in range(start, end):
                if out[index] is None:
                    out[index] = latin
    return out


def language_runs(text: str, latin: str | None) -> list[tuple[str, str | None]]:
    """`text` cut into (run, language or None) pieces, in order; see `languages`."""
    if latin is None or not text:
        return [(text, None)] if text else []
    langs = languages(text, [None] * len(text), latin)
    out: list[tuple[str, str | None]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or langs[index] != langs[start]:
            out.append((text[start:index], langs[start]))
            start = index
    return out
