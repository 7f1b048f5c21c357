"""Medical words the reader may not know, flagged unless the text explains them where it first uses them.

Each language entry lists its jargon (`jargon:`) and the phrases that explain a word (`explains:`, e.g. "means",
"is a", "called"); content/README.md documents both. The rule, kept simple so that an author can predict it:

- A term is found in the prose the reader sees (the units `readability.prose_units` measures: paragraphs, list
  items, box contents, captions; not headings or the references), ignoring case, where it starts a word: the
  character before it is not a letter, mark or digit, so "MRI" is not found in "primrose" but "lipoma" is found in
  "lipomas". In a language written without spaces (`line_breaking: characters`, Chinese) it is found anywhere.
- Only its first use in the document needs explaining; later uses lean on that one.
- That use is explained when the term is followed by "(" (after the rest of its word and a space: "MRI (a scan
  ...)", "lipomas (fatty lumps)"); or stands inside brackets itself ("the numbing medicine (local anaesthetic)");
  or opens its unit followed by a stop, colon or dash, as in a glossary ("**Sciatica.** Pain from a pressed
  nerve"); or is followed by one of the `explains` phrases that start with a comma, an apposition ("fascia, a
  thin, tough layer"); or when its prose unit, or the first sentence of the unit after it, contains one of the
  other `explains` phrases as words ("A lipoma is a lump of fat", "called", "call it").
- Unexplained jargon is flagged in the report (text and `--json`, with where it is); it does not fail the
  document, because whether a term needs explaining for this reader is a judgement the list cannot make.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from handouts.check import readability
from handouts.content import model
from handouts.content.languages import Language

_OPEN = "(（"


@dataclass(frozen=True)
class JargonUse:
    """A jargon term at its first use in a document, where the text does not explain it."""

    term: str
    section: str
    line: int
    excerpt: str

    def as_dict(self) -> dict:
        return {"term": self.term, "section": self.section, "line": self.line, "excerpt": self.excerpt}


def _word_char(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "LMN"


def find_term(text: str, term: str, anywhere: bool = False) -> re.Match[str] | None:
    """The first place `term` starts a word in `text` (ignoring case), or anywhere when `anywhere`."""
    for match in re.finditer(re.escape(term), text, re.IGNORECASE):
        if anywhere or match.start() == 0 or not _word_char(text[match.start() - 1]):
            return match
    return None


def _has_phrase(text: str, phrases: tuple[str, ...], anywhere: bool) -> bool:
    """A phrase as whole words (so "is a" is not found in "this area"), or anywhere in unspaced scripts."""
    for phrase in phrases:
        for match in re.finditer(re.escape(phrase), text, re.IGNORECASE):
            before = text[match.start() - 1] if match.start() else ""
            after = text[match.end()] if match.end() < len(text) else ""
            if anywhere or not (_word_char(before) or _word_char(after)):
                return True
    return False


def _word_end(text: str, match: re.Match[str]) -> int:
    """Where the word the term starts ends ("lipoma" in "lipomas" ends after the s)."""
    end = match.end()
    while end < len(text) and _word_char(text[end]):
        end += 1
    return end


def _bracketed(text: str, match: re.Match[str]) -> bool:
    """The term followed by "(" after the rest of its word, or inside brackets ("the numbing medicine (local
    anaesthetic)")."""
    after = text[_word_end(text, match):].lstrip()[:1]
    before = text[:match.start()]
    opened = max(before.rfind(c) for c in _OPEN)
    return bool(after and after in _OPEN) or opened > max(before.rfind(c) for c in ")）")


def _glossary_item(text: str, match: re.Match[str]) -> bool:
    """A unit that opens with the term and a stop, colon or dash defines it: "Sciatica. Pain from a pressed nerve"."""
    if text[:match.start()].strip(" *\"'“‘"):
        return False
    rest = text[_word_end(text, match):].lstrip(" *")
    return rest[:1] in (".", ":", "—", "–", "-", "：", "。", "।") and bool(rest[1:].strip())


def _apposition(text: str, match: re.Match[str], explains: tuple[str, ...]) -> bool:
    """An `explains` phrase that starts with a comma counts right after the term: "fascia, a thin, tough layer"."""
    rest = text[_word_end(text, match):].lower()
    return any(rest.startswith(p.lower()) and not _word_char(rest[len(p):len(p) + 1])
               for p in explains if p.startswith((",", "،", "，")))


def explained(units: list[str], index: int, match: re.Match[str], explains: tuple[str, ...], anywhere: bool) -> bool:
    """Whether the use of a term at `match` in units[index] is explained (module docstring)."""
    unit = units[index]
    words = tuple(p for p in explains if not p.startswith((",", "،", "，")))
    if (_bracketed(unit, match) or _glossary_item(unit, match) or _apposition(unit, match, explains)
            or _has_phrase(unit, words, anywhere)):
        return True
    if index + 1 < len(units):
        sentences = readability.split_sentences(units[index + 1])
        return bool(sentences) and _has_phrase(sentences[0], words, anywhere)
    return False


def unexplained_jargon(document: model.Document, language: Language) -> list[JargonUse]:
    """Every jargon term of the language whose first use in the document is not explained, in reading order."""
    anywhere = language.line_breaking == "characters"
    excluded = {document.topic.section_with(role) for role in readability.EXCLUDED_ROLES}
    placed: list[tuple[model.Section, str]] = []
    for section in document.sections:
        if section.id not in excluded:
            placed += [(section, unit) for unit in readability.block_units(section.blocks)]
    units = [unit for _, unit in placed]
    found: list[tuple[tuple[int, int], JargonUse]] = []
    for term in dict.fromkeys(language.jargon):
        for index, unit in enumerate(units):
            match = find_term(unit, term, anywhere)
            if match is None:
                continue
            if not explained(units, index, match, language.explains, anywhere):
                section = placed[index][0]
                start = max(0, match.start() - 30)
                excerpt = unit[start:match.end() + 30].strip()
                found.append(((index, match.start()), JargonUse(term, section.id, section.line, excerpt)))
            break   # only the first use counts
    return [use for _, use in sorted(found, key=lambda pair: pair[0])]
