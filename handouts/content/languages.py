"""Language entries (content/languages/<code>.yaml): script, direction, fonts, readability and the words of the
page furniture. The schema (handouts/content/schema.py) validates the entry, so that a mistake in it is reported
with its file and field. A loaded entry is kept in the disk cache (handouts.diskcache) by the text of its file (and
of English's, which fills in missing strings), so a cold process does not import the YAML parser and the schemas to
read an unchanged one."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from handouts.confine import confined
from handouts.diskcache import remembered
from handouts.errors import ContentError, UsageError
from handouts.content.reader import SCHEMA_LIBRARIES, load_yaml, parse_yaml, read_text
from handouts.suggest import closest

REQUIRED_STRINGS = ("page", "version", "published", "review", "status_reviewed", "status_draft")
# The review trail every leaflet prints (handouts.document.review_trail): a translation may fall back to the English
# words, but without them at all the leaflet would print a bare key where it names its reviewer.
TRAIL_STRINGS = ("written_by", "reviewed_by", "not_reviewed")
# Lists of words the content checks look for in this language (fields of Language; content/README.md).
WORD_LISTS = ("jargon", "explains", "time_frames", "calculations")
# The {placeholders} each furniture string is filled with (Language.s); any other would fail mid-render.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "page": frozenset({"page", "pages"}), "version": frozenset({"version"}),
    "published": frozenset({"date"}), "review": frozenset({"date"}),
    "produced_by": frozenset({"publisher"}), "prepared_for": frozenset({"patient", "date"}),
    "from_clinician": frozenset({"clinician"}), "your_clinician": frozenset({"clinician"}),
    "written_by": frozenset({"author"}), "reviewed_by": frozenset({"name", "role", "date"}),
    "exercise_seconds": frozenset({"n"}), "exercise_week": frozenset({"n"}),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    native_name: str
    script: str
    direction: str
    locale: str
    body_font: str
    fallback_fonts: tuple[str, ...]
    line_breaking: str
    readability_method: str
    targets: dict[str, float]
    strings: dict[str, str]
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    smog_targets: dict[str, float] = field(default_factory=dict)   # highest SMOG grade per level, where gated
    # Words the content checks look for (handouts/check/plain.py), in this language:
    jargon: tuple[str, ...] = ()        # terms to explain where the text uses them
    explains: tuple[str, ...] = ()      # phrases that explain a term ("means", "is a", "called")
    time_frames: tuple[str, ...] = ()   # how soon to act ("now", "today", "within")
    calculations: tuple[str, ...] = ()  # phrases that ask the reader to calculate ("add up", "multiply")

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def s(self, key: str, **values: Any) -> str:
        """A page-furniture string in this language, with its placeholders filled."""
        template = self.strings.get(key, key)
        return template.format(**values)


def languages_dir(content_dir: Path) -> Path:
    return content_dir / "languages"


def language_codes(content_dir: Path) -> list[str]:
    folder = languages_dir(content_dir)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def _with_english_defaults(content_dir: Path, code: str, strings: dict, english_text: str | None = None) -> dict:
    """Strings added to English after a translation was made fall back to English rather than to a bare key;
    `handouts check` lists them as untranslated. (`english_text`: en.yaml as the caller has read it.)"""
    english = languages_dir(content_dir) / "en.yaml"
    if code == "en" or (english_text is None and not english.is_file()):
        return strings
    data = load_yaml(english) if english_text is None else parse_yaml(english_text, path=english)
    defaults = data.get("strings") if isinstance(data, Mapping) else None
    if not isinstance(defaults, Mapping):
        return strings
    return {**defaults, **strings}


# Fields of a language entry that Language holds only by name; the others the file gives (shaping, line_breaking,
# notes, jargon, ...) are in `extra` too, as they were before the schema.
_NAMED = {"code", "name", "native_name", "script", "direction", "locale", "fonts", "readability", "strings",
          *WORD_LISTS}


def load_language(content_dir: Path, code: str) -> Language:
    """A language entry as its schema (handouts/content/schema.py) reads it, then what needs more than the file:
    the name matches, the furniture strings are complete and fill their placeholders, Babel knows the locale."""
    codes = language_codes(content_dir)
    if code not in codes:
        raise UsageError(f"unknown language '{code}'{closest(code, codes)}; languages: {', '.join(codes)}")
    path = confined(content_dir, Path("languages") / f"{code}.yaml", what="language entry", source=content_dir)
    text = read_text(path)
    english = languages_dir(content_dir) / "en.yaml"
    try:
        english_text = read_text(english) if code != "en" and english.is_file() else None
    except ContentError:   # reported where English's strings are read, after the entry's own errors
        return _parse_language(content_dir, code, path, text, None)
    return remembered("language", [code, str(path), text, str(english), english_text or "\0absent"],
                      lambda: _parse_language(content_dir, code, path, text, english_text),
                      libraries=(*SCHEMA_LIBRARIES, "babel"))


def _parse_language(content_dir: Path, code: str, path: Path, text: str, english_text: str | None) -> Language:
    from handouts.content.schema import LanguageFile, validate

    entry = validate(LanguageFile, parse_yaml(text, path=path), path=path)
    if entry.code != code:
        raise ContentError(f"field 'code' is {entry.code!r} but the file is named {code}.yaml", path=path)
    missing = [key for key in REQUIRED_STRINGS if key not in entry.strings]
    if missing:
        raise ContentError(f"field 'strings' lacks {', '.join(missing)}", path=path,
                           hint="copy them from content/languages/en.yaml and translate")
    for key, value in entry.strings.items():
        _check_placeholders(key, value, path)
    strings = _with_english_defaults(content_dir, code, entry.strings, english_text)
    lacking = [key for key in TRAIL_STRINGS if key not in strings]
    if lacking:
        raise ContentError(f"field 'strings' lacks {', '.join(lacking)}", path=path,
                           hint="copy them from content/languages/en.yaml and translate")
    locale = entry.locale or code.replace("-", "_")
    _check_locale(locale, path)
    return Language(
        code=code,
        name=entry.name,
        native_name=entry.native_name or entry.name,
        script=entry.script,
        direction=entry.direction,
        locale=locale,
        body_font=entry.fonts.body,
        fallback_fonts=tuple(entry.fonts.fallback),
        line_breaking=entry.line_breaking,
        readability_method=entry.readability.method,
        targets=entry.readability.targets.as_dict(),
        strings={str(k): str(v) for k, v in strings.items()},
        notes=entry.notes,
        extra={k: v for k, v in entry.model_dump(exclude_unset=True).items() if k not in _NAMED},
        smog_targets=entry.readability.smog_targets.as_dict() if entry.readability.smog_targets else {},
        **{key: tuple(getattr(entry, key)) for key in WORD_LISTS},
    )


def _level_numbers(readability: Mapping[str, Any], key: str, path: Path) -> dict[str, float]:
    """`targets` and `smog_targets`: reading level -> number."""
    value = readability.get(key) or {}
    if not isinstance(value, Mapping) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                 for v in value.values()):
        raise ContentError(f"field 'readability.{key}' should map levels to numbers, not {value!r}", path=path,
                           hint=f"write e.g. {key}: {{easy: 6, standard: 8, detailed: 12}}")
    return {str(k): float(v) for k, v in value.items()}


def _word_list(data: Mapping[str, Any], key: str, path: Path) -> tuple[str, ...]:
    """A list of words or phrases the checks look for; empty when the entry gives none."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"field '{key}' should be a list of words or phrases, not {value!r}", path=path,
                           hint=f"write e.g. {key}: [word, another phrase]")
    return tuple(v.strip() for v in value)


def _check_placeholders(key: str, value: object, path: Path) -> None:
    """A furniture string is filled with str.format: refuse text that would fail there, or print a brace."""
    if not isinstance(value, str):
        raise ContentError(f"field 'strings.{key}' should be text, not {value!r}", path=path)
    allowed = PLACEHOLDERS.get(key, frozenset())
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise ContentError(f"field 'strings.{key}' is not a valid template: {exc}", path=path,
                           hint="write a literal brace as {{ or }}") from None
    unknown = sorted(names - allowed)
    if unknown:
        known = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
        raise ContentError(f"field 'strings.{key}' uses unknown placeholder(s) "
                           f"{', '.join('{' + n + '}' for n in unknown)}", path=path,
                           hint=f"placeholders for '{key}': {known}")


def _check_locale(locale: str, path: Path) -> None:
    """Dates are formatted with Babel; an unknown locale would fail in the middle of a render."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ContentError(f"field 'locale' is {locale!r}, which Babel does not know ({exc})", path=path,
                           hint="use a CLDR locale such as en_GB, es or zh_Hans") from None
