"""Language entries (content/languages/<code>.yaml): script, direction, fonts, readability and the words of the
page furniture. Validated here so that a mistake in an entry is reported with its file and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from handouts.confine import confined
from handouts.errors import ContentError, UsageError
from handouts.content.reader import load_yaml
from handouts.suggest import closest

REQUIRED_STRINGS = ("page", "version", "published", "review", "status_reviewed", "status_draft")


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
    readability = need("readability", dict)
    strings = need("strings", dict)
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    if missing:
        raise ContentError(f"field 'strings' lacks {', '.join(missing)}", path=path,
                           hint="copy them from content/languages/en.yaml and translate")
    strings = _with_english_defaults(content_dir, code, strings)
    breaking = data.get("line_breaking", "words")
    if breaking not in ("words", "characters"):
        raise ContentError(f"field 'line_breaking' is {breaking!r}", path=path, hint="use 'words' or 'characters'")
    return Language(
        code=code,
        name=need("name"),
        native_name=str(data.get("native_name", data["name"])),
        script=need("script"),
        direction=direction,
        locale=str(data.get("locale", code.replace("-", "_"))),
        body_font=fonts["body"],
        fallback_fonts=tuple(str(f) for f in fonts.get("fallback") or ()),
        line_breaking=breaking,
        readability_method=str(readability.get("method", "")),
        targets={str(k): float(v) for k, v in (readability.get("targets") or {}).items()},
        strings={str(k): str(v) for k, v in strings.items()},
        notes=str(data.get("notes", "")),
        extra={k: v for k, v in data.items() if k not in {"code", "name", "native_name", "script", "direction",
                                                          "locale", "fonts", "readability", "strings"}},
    )
