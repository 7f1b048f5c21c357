"""Declarative schemas of the content files (topic.yaml, figures.yaml, language entries, front matter), and the
one function that turns a schema's complaint into the project's one-line error.

A schema is the single statement of what a file may hold: it validates what is read (an unknown key is an error
with "did you mean"), and the same models give `handouts schema`, the JSON Schema an editor uses to autocomplete
and check a clinic's files. Checks that need more than the file itself (placeholders a string may use, a locale
Babel knows, roles given once) stay next to the code that reads the file and run after the schema.
"""

from __future__ import annotations

import datetime as _dt
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel, ValidationError,
                      model_validator)

from handouts.content.model import LEVELS, ROLES
from handouts.errors import ContentError, HandoutsError
from handouts.suggest import closest

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
SECTION_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# What a pattern means, in the words an error message uses.
PATTERN_WORDS = {HEX_COLOUR: "a colour like '#1f5f8b'",
                 SECTION_ID: "lower case words joined by hyphens, e.g. 'first-aid'"}

M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    """Every file kind's model: unknown keys are errors, and values keep the type YAML gave them (a quoted "12"
    is not a number, `true` is not 1)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def string_shorthand(field: str) -> Any:
    """JSON Schema of a model that a bare string may stand for (its `field`): an editor then accepts both
    `- what-is-it` and `- {id: what-is-it}`, as the model does."""
    def extra(schema: dict[str, Any], model: Any) -> None:
        whole = dict(schema)
        schema.clear()
        schema.update(title=whole.pop("title", model.__name__),
                      anyOf=[{"type": "string", "description": f"Short for {{{field}: ...}}"}, whole])
    return extra


def _number_as_text(value: Any) -> Any:
    """YAML reads `version: 1.0` and `lump: 5` as numbers; where the file means text, take them as written."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_number_as_text)]


def _english_given(value: Any) -> Any:
    if isinstance(value, dict) and not str(value.get("en", "")).strip():
        raise ValueError("gives names per language but none for 'en' (add 'en:': it stands in for every language "
                         "without a name of its own)")
    return value


# A name given once, or one per language code; English is required, as it stands in for the others (a translated
# leaflet prints the name in its own language: its running header and small print).
Names = Annotated[Union[Text, dict[str, Text]], AfterValidator(_english_given)]
LevelName = Literal["easy", "standard", "detailed"]
Role = Literal["intro", "red-flags", "actions", "signs", "diagnosis", "treatment", "prevention", "references"]
assert typing.get_args(LevelName) == LEVELS and typing.get_args(Role) == ROLES


def _iso_date(value: Any) -> Any:
    """A date YAML did not recognise (quoted) is read as ISO text; anything else is left for the schema to refuse."""
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"is not a date: {value!r} (write it as YYYY-MM-DD)") from None
    if isinstance(value, _dt.datetime):
        return value.date()
    return value


IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date)]


# --- topic.yaml ---------------------------------------------------------------------------------------------

class ReferenceEntry(Schema):
    id: Text | None = Field(None, description="Stable id of the reference, e.g. 'nice-ng59' (default: its "
                                              "position)")
    text: str = Field(description="The reference as printed: authors, title, journal, year")
    url: str | None = Field("", description="Where to read it (https://...), or empty")


class SectionEntry(Schema):
    model_config = ConfigDict(json_schema_extra=string_shorthand("id"))

    id: str = Field(pattern=SECTION_ID, description="Section id, the same in every language and level "
                                                    "(the '{#id}' after its heading)")
    role: Role | None = Field(None, description="What the section does for layouts: intro (summary box), red-flags "
                                                "(when to get help), actions, signs, diagnosis, treatment, "
                                                "prevention, references")

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class Reviewer(Schema):
    name: str = Field("", description="The clinician who checked the content; empty until a real one has")
    role: str = Field("", description="Their role, e.g. 'General practitioner'")
    reviewed: IsoDate | None = Field(None, description="ISO date of that review, or null while there was none")


class TopicFile(Schema):
    """content/<topic>/topic.yaml"""

    id: str | None = Field(None, description="The topic id (the folder's name)")
    title: dict[str, Text] = Field(description="Title per language code, e.g. {en: Back mouse}")
    subtitle: dict[str, Text] = Field({}, description="Subtitle per language code")
    publisher: Names = Field("", description="Who publishes the leaflet (the running header "
                                              "and the small print): a name, or one per language code with 'en'")
    author: Names = Field("", description="Who wrote the content (a team or a person): a name, "
                                           "or one per language code with 'en'")
    reviewer: Reviewer | None = Field(None, description="The clinician who reviewed the content")
    published: IsoDate = Field(description="Publication date, YYYY-MM-DD")
    review: IsoDate = Field(description="Next review date, YYYY-MM-DD")
    version: Text = Field(description="Version of the content, e.g. '1.0' (quote it)")
    keywords: dict[str, list[str]] = Field({}, description="Keywords per language code (PDF metadata)")
    references: list[ReferenceEntry] = Field([], description="Sources: a list of {id, text, url}")
    sections: list[SectionEntry] = Field(min_length=1, description="The topic's sections in reading order, each "
                                                                   "{id, role}; every language and level has them")


# --- figures.yaml -------------------------------------------------------------------------------------------

class FigureEntry(Schema):
    alt: str = Field(description="Text alternative for screen readers: what the figure shows")
    labels: dict[str, Text] = Field({}, description="The words drawn inside the figure, by label key")


class FiguresFile(BaseModel):
    """content/<topic>/<lang>/figures.yaml: figure id -> {alt, labels}, and in a translation `source`, the hash of
    each English figure entry it follows."""

    model_config = ConfigDict(strict=True, frozen=True, extra="allow")
    __pydantic_extra__: dict[str, FigureEntry] = Field(init=False)  # every other key is a figure id
    source: dict[str, str] | None = Field(None, description="Translations: figure id -> hash of the English entry "
                                                          "it was made from (handouts sources --figures)")

    @property
    def figures(self) -> dict[str, FigureEntry]:
        return dict(self.__pydantic_extra__ or {})


# --- language entries ---------------------------------------------------------------------------------------

class LanguageFonts(Schema):
    body: str = Field(description="Font family for the text, from layouts/fonts.yaml")
    fallback: list[str] = Field([], description="Families tried in order for characters the body font lacks")


class LevelNumbers(Schema):
    easy: float | None = Field(None, description="For the easy level")
    standard: float | None = Field(None, description="For the standard level")
    detailed: float | None = Field(None, description="For the detailed level")

    def as_dict(self) -> dict[str, float]:
        return {level: float(value) for level, value in self.model_dump().items() if value is not None}


class Readability(Schema):
    method: str = Field("", description="How `handouts check` measures the prose: flesch-kincaid, "
                                        "fernandez-huerta, kandel-moles, amstad, flesch-pt, osman, sentence-length")
    targets: LevelNumbers = Field(LevelNumbers(), description="The score each level must reach (a grade is the "
                                                              "highest allowed, a reading ease the lowest)")
    smog_targets: LevelNumbers | None = Field(None, description="SMOG grade each level must not exceed (English)")


class LanguageFile(Schema):
    """content/languages/<code>.yaml"""

    code: str = Field(description="The language code; the file is named <code>.yaml")
    name: str = Field(description="The language's English name")
    native_name: str | None = Field(None, description="The language's own name for itself")
    script: str = Field(description="ISO 15924 script code, e.g. Latn, Arab, Hans, Deva")
    direction: Literal["ltr", "rtl"] = Field(description="Writing direction: ltr or rtl")
    locale: str | None = Field(None, description="CLDR (Babel) locale for dates and numbers, e.g. en_GB")
    fonts: LanguageFonts = Field(description="Font families for this language")
    line_breaking: Literal["words", "characters"] = Field("words", description="Break lines between words, or "
                                                                               "between characters (Chinese)")
    shaping: bool = Field(False, description="Shape text with HarfBuzz (Arabic, Indic scripts)")
    readability: Readability = Field(description="How the prose is measured and what each level must reach")
    strings: dict[str, str] = Field(description="The words of the page furniture, {placeholders} kept as they are")
    notes: str = Field("", description="Notes for translators and reviewers")
    jargon: list[str] = Field([], description="Words `handouts check` flags as jargon in this language")
    time_frames: list[str] = Field([], description="Phrases that give a time frame (safety-netting checks)")
    explains: list[str] = Field([], description="Words that explain a term next to it ('means', 'is a', ...)")
    calculations: list[str] = Field([], description="Phrases that ask the reader to calculate ('add up', ...)")


# --- front matter of <level>.md -----------------------------------------------------------------------------

class FrontMatter(Schema):
    """The YAML block at the top of content/<topic>/<lang>/<level>.md"""

    title: Text | None = Field(None, description="Title on the cover (defaults to topic.yaml's)")
    subtitle: Text | None = Field(None, description="Subtitle on the cover (defaults to topic.yaml's)")
    status: Literal["draft", "reviewed"] = Field("reviewed", description="Translations: draft until a "
                                                                         "native-speaking clinician reviewed them")
    source: dict[str, str] | None = Field(None, description="Translations: section id -> hash of the English "
                                                            "section it was made from (`handouts sources`)")


CONTENT_SCHEMAS: dict[str, type[BaseModel]] = {"topic": TopicFile, "figures": FiguresFile,
                                               "language": LanguageFile, "front-matter": FrontMatter}


# --- validation errors as one line --------------------------------------------------------------------------

def validate(model: type[M], data: Any, *, path: Path | str, error: type[HandoutsError] = ContentError,
             line: int | None = None) -> M:
    """`data` as read from `path`, validated by `model`; the first problem becomes one HandoutsError line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc, data, model, path=path, error=error, line=line) from None


def schema_error(exc: ValidationError, data: Any, model: type[BaseModel], *, path: Path | str,
                 error: type[HandoutsError] = ContentError, line: int | None = None) -> HandoutsError:
    """The file, the dotted field (`levels.standard.body_size`), what is wrong, and for an unknown key the closest
    valid one. Pydantic lists declared fields before unknown keys, so a wrong value is reported before a stray
    key next to it."""
    first = exc.errors(include_url=False)[0]
    keys = _data_path(data, first["loc"])
    kind, value = first["type"], first.get("input")
    where = _dotted(keys)
    if kind == "extra_forbidden":
        parent = _model_at(model, keys[:-1])
        names = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
        return error(f"unknown key '{where}'{closest(str(keys[-1]), names)}", path=path, line=line,
                     hint=f"the keys there are {', '.join(names)}" if names else None)
    if kind == "missing":
        stray = _stray_sibling(exc, data, keys)
        if stray:   # a misspelt key is why the field is missing: name both
            return error(f"field '{where}' is missing; unknown key '{_dotted(stray)}'"
                         f"{closest(str(stray[-1]), [str(keys[-1])])}", path=path, line=line)
        return error(f"field '{where}' is missing", path=path, line=line,
                     hint="see the project's own files, or `handouts schema`, for an example")
    if kind == "literal_error" and keys:
        choices = re.findall(r"'([^']*)'", str((first.get("ctx") or {}).get("expected", "")))
        what = keys[-1] if isinstance(keys[-1], str) else "value"
        return error(f"field '{where}': unknown {what} {value!r}{closest(str(value), choices)}", path=path,
                     line=line, hint=f"use one of: {', '.join(choices)}")
    what = _problem(first)
    if not keys:
        return error("the file is empty; it should be a mapping of fields" if data is None else f"the file {what}",
                     path=path, line=line)
    return error(f"field '{where}' {what}", path=path, line=line)


def _stray_sibling(exc: ValidationError, data: Any, missing: list[Any]) -> list[Any] | None:
    """An unknown key next to a missing field, when it looks like a misspelling of it (`sectons`, `tpo`)."""
    for err in exc.errors(include_url=False):
        if err["type"] == "extra_forbidden":
            keys = _data_path(data, err["loc"])
            if keys[:-1] == missing[:-1] and closest(str(keys[-1]), [str(missing[-1])]):
                return keys
    return None


_EXPECTED = {"string_type": "text", "int_type": "a whole number", "float_type": "a number",
             "bool_type": "true or false", "dict_type": "a mapping", "model_type": "a mapping",
             "model_attributes_type": "a mapping", "list_type": "a list", "tuple_type": "a list",
             "date_type": "a date (YYYY-MM-DD)", "int_from_float": "a whole number",
             "finite_number": "a finite number"}


def _problem(err: Any) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    if kind in _EXPECTED:
        return f"should be {_EXPECTED[kind]}, not {shown}"
    if kind == "literal_error":
        return f"is {shown}; use one of: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
        return f"should be {words}, not {shown}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"is {shown}; it should be {err['msg'].removeprefix('Input should be ')}"
    if kind in ("too_short", "too_long"):
        return f"has the wrong number of items: {err['msg'].lower()}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"][0].lower() + err["msg"][1:]


def _data_path(data: Any, loc: tuple[Any, ...]) -> list[Any]:
    """The location of an error in the file's own keys: pydantic adds the names of union members and validators
    (`str`, `function-after[...]`), which are not keys of the data, so follow the data and keep what it has."""
    keys: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            keys.append(part)
            node = node[part]
        elif isinstance(node, (list, tuple)) and isinstance(part, int) and 0 <= part < len(node):
            keys.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_internal(part):
            keys.append(part)   # a missing key: the last part of the path
            node = None
    return keys


def _is_internal(part: str) -> bool:
    return "[" in part or part in ("str", "int", "float", "bool", "list", "dict", "date", "none", "tuple")


def _dotted(keys: list[Any]) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _model_at(model: Any, keys: list[Any]) -> Any:
    """The model (or type) that describes the value at `keys`, for the names an unknown key is compared with."""
    node = model
    for key in keys:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, RootModel):
            node = _unwrap(node.model_fields["root"].annotation)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(key))
            if field is None:   # a model whose other keys are typed extras (figures.yaml: figure ids)
                extra = typing.get_type_hints(node).get("__pydantic_extra__")
                args = typing.get_args(extra) if extra is not None else ()
                if len(args) != 2:
                    return None
                node = args[1]
                continue
            node = field.annotation
            continue
        origin, args = typing.get_origin(node), typing.get_args(node)
        if origin in (list, tuple) and args:
            node = args[0]
        elif origin is dict and len(args) == 2:
            node = args[1]
        else:
            return None
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, RootModel):
        node = _unwrap(node.model_fields["root"].annotation)
    return node


def _unwrap(node: Any) -> Any:
    """`Annotated[X, ...]` -> X; `X | None` -> X (the first member that is not None)."""
    while True:
        origin = typing.get_origin(node)
        if origin is Annotated:
            node = typing.get_args(node)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(node) if a is not type(None)]
            node = next((a for a in members if isinstance(a, type) and issubclass(a, BaseModel)), members[0])
        else:
            return node


def validated(model: type[M], data: Any, *, path: Path | str, error: type[HandoutsError] = ContentError,
              hint: str | None = None) -> M:
    """`validate` with a hint after the message (a plan file says where its fields are documented)."""
    try:
        return validate(model, data, path=path, error=error)
    except HandoutsError as exc:
        if hint is None:
            raise
        raise error(f"{exc.message} ({hint})") from None
