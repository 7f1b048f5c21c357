"""Validating YAML input against pydantic models, with errors a user can act on.

Plan files and the exercise library are validated by declared models rather than by hand, so every field's
type and range is written down once. A failed validation becomes one line naming the file and the field path
(`exercises[0].reps`), never pydantic's multi-line report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from handouts.errors import ContentError, HandoutsError

M = TypeVar("M", bound=BaseModel)


def field_path(location: tuple[Any, ...]) -> str:
    """('exercises', 0, 'reps') -> 'exercises[0].reps'."""
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the whole file)"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return " is missing"
    if kind == "extra_forbidden":
        return " is not a known field"
    text = str(error.get("msg", "is not valid"))
    text = text[len("Value error, "):] if text.startswith("Value error, ") else text[:1].lower() + text[1:]
    return ": " + text


def validated(model: type[M], data: Any, *, path: Path | str, error: type[HandoutsError] = ContentError,
              hint: str | None = None) -> M:
    """`model` filled from `data`, or `error` naming the first field that is wrong and what is wrong with it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = tuple(first.get("loc", ()))
        if not location:   # a rule about the whole file (a model validator)
            raise error(_message(first).removeprefix(": "), path=path, hint=hint) from None
        raise error(f"field '{field_path(location)}'{_message(first)}", path=path, hint=hint) from None
