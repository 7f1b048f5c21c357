"""Language entries (content/languages/<code>.yaml): script, direction, fonts, readability and the words of the
page furniture. Validated here so that a mistake in an entry is reported with its file and field."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from handouts.confine import confined
from handouts.errors import ContentError, UsageError
from handouts.content.reader import load_yaml
from handouts.suggest import closest

REQUIRED_STRINGS = ("page", "version", "published", "review", "status_reviewed", "status_draft")
# The {placeholders} each furniture string is filled with (Language.s); any other would fail mid-render.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "page": frozenset({"page", "pages"}), "version": frozenset({"version"}),
    "published": frozenset({"date"}), "review": frozenset({"date"}),
    "produced_by": frozenset({"publisher"}), "prepared_for": frozenset({"patient", "date"}),
    "from_clinician": frozenset({"clinician"}), "your_clinician": frozenset({"clinician"}),
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


def _with_english_defaults(content_dir: Path, code: str, strings: dict) -> dict:
    """Strings added to English after a translation was made fall back to English rather than to a bare key;
    `handouts check` lists them as untranslated."""
    english = languages_dir(content_dir) / "en.yaml"
    if code == "en" or not english.is_file():
        return strings
    data = load_yaml(english)
    defaults = data.get("strings") if isinstance(data, Mapping) else None
    if not isinstance(defaults, Mapping):
        return strings
    return {**defaults, **strings}


def load_language(content_dir: Path, code: str) -> Language:
    codes = language_codes(content_dir)
    if code not in codes:
        raise UsageError(f"unknown language '{code}'{closest(code, codes)}; languages: {', '.join(codes)}")
    path = confined(content_dir, Path("languages") / f"{code}.yaml", what="language entry", source=content_dir)
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise ContentError("a language entry should be a mapping of fields", path=path)

    def need(key: str, kind: type = str) -> Any:
        if key not in data:
            raise ContentError(f"missing field '{key}'", path=path, hint="see content/languages/en.yaml")
        if not isinstance(data[key], kind):
            raise ContentError(f"field '{key}' should be {kind.__name__}", path=path)
        return data[key]

    if need("code") != code:
        raise ContentError(f"field 'code' is {data['code']!r} but the file is named {code}.yaml", path=path)
    direction = need("direction")
    if direction not in ("ltr", "rtl"):
        raise ContentError(f"field 'direction' is {direction!r}", path=path, hint="use 'ltr' or 'rtl'")
    fonts = need("fonts", dict)
    if not isinstance(fonts.get("body"), str):
        raise ContentError("field 'fonts.body' should name a font family", path=path)
    fallback = fonts.get("fallback") or []
    if not isinstance(fallback, list) or not all(isinstance(f, str) for f in fallback):
        raise ContentError(f"field 'fonts.fallback' should be a list of font families, not {fallback!r}", path=path,
                           hint="write e.g. fallback: [noto-sans]")
    readability = need("readability", dict)
    targets = readability.get("targets") or {}
    if not isinstance(targets, Mapping) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                   for v in targets.values()):
        raise ContentError(f"field 'readability.targets' should map levels to numbers, not {targets!r}", path=path,
                           hint="write e.g. targets: {easy: 6, standard: 8, detailed: 12}")
    strings = need("strings", dict)
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    if missing:
        raise ContentError(f"field 'strings' lacks {', '.join(missing)}", path=path,
                           hint="copy them from content/languages/en.yaml and translate")
    for key, value in strings.items():
        _check_placeholders(str(key), value, path)
    strings = _with_english_defaults(content_dir, code, strings)
    locale = str(data.get("locale", code.replace("-", "_")))
    _check_locale(locale, path)
    breaking = data.get("line_breaking", "words")
    if breaking not in ("words", "characters"):
        raise ContentError(f"field 'line_breaking' is {breaking!r}", path=path, hint="use 'words' or 'characters'")
    return Language(
        code=code,
        name=need("name"),
        native_name=str(data.get("native_name", data["name"])),
        script=need("script"),
        direction=direction,
        locale=locale,
        body_font=fonts["body"],
        fallback_fonts=tuple(fallback),
        line_breaking=breaking,
        readability_method=str(readability.get("method", "")),
        targets={str(k): float(v) for k, v in targets.items()},
        strings={str(k): str(v) for k, v in strings.items()},
        notes=str(data.get("notes", "")),
        extra={k: v for k, v in data.items() if k not in {"code", "name", "native_name", "script", "direction",
                                                          "locale", "fonts", "readability", "strings"}},
    )


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
