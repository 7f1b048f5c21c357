"""A physiotherapist's plan for one patient: which leaflet, which exercises at which dose, for whom.

The same fields come from a plan file (`handouts build --plan plan.yaml`) or from the web page and its JSON API
(`handouts serve`), and both go through `plan_from_data`, so a dose the command line refuses the page refuses
too, with the same message naming the field. Doses have limits a real prescription never reaches (10 sets, 50
repetitions, a 2-minute hold, 6 times a day): 500 repetitions is a typing mistake, not a plan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handouts.config.layouts import PAPERS
from handouts.config.personal import Dose, PersonalCopy, Prescription
from handouts.content.exercises import exercise_ids, read_exercise, read_exercise_text
from handouts.content.languages import language_codes
from handouts.content.model import LEVELS
from handouts.content.reader import load_yaml, topic_ids
from handouts.content.schema import validated
from handouts.errors import ContentError, PlanError
from handouts.suggest import closest

MAX_EXERCISES = 8
MAX_NAME = 120
MAX_NOTE = 1000


def _count(low: int, high: int):
    return Annotated[int, Field(strict=True, ge=low, le=high)]


def _no_controls(value: str) -> str:
    """Names and notes are printed: a control character is a paste accident that would print as nothing."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise ValueError("contains a control character; retype it")
    return value


class PlannedExercise(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=80)
    sets: _count(1, 10)
    reps: _count(1, 50)
    hold_seconds: _count(0, 120) = 0
    per_day: _count(1, 6) = 1


class PlanFile(BaseModel):
    """The fields of a plan file (README, "Exercise plans"); all but `lang`, `patient` and one of `topic` or
    `exercises` have defaults."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: str | None = Field(default=None, max_length=80)
    lang: str = Field(min_length=1, max_length=20)
    level: Literal[LEVELS] = "standard"  # type: ignore[valid-type]
    layout: str = Field(default="leaflet", min_length=1, max_length=80)
    paper: Literal[tuple(PAPERS)] = "a4"  # type: ignore[valid-type]
    patient: str = Field(min_length=1, max_length=MAX_NAME)
    clinician: str = Field(default="", max_length=MAX_NAME)
    note: str = Field(default="", max_length=MAX_NOTE)
    exercises: list[PlannedExercise] = Field(default_factory=list, max_length=MAX_EXERCISES)

    _text = field_validator("patient", "clinician", "note")(_no_controls)

    @field_validator("topic", mode="before")
    @classmethod
    def _blank_topic(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _something(self) -> "PlanFile":
        if self.topic is None and not self.exercises:
            raise ValueError("give a 'topic', some 'exercises', or both")
        seen: set[str] = set()
        for exercise in self.exercises:
            if exercise.id in seen:
                raise ValueError(f"exercise '{exercise.id}' is listed twice; give it once with its dose")
            seen.add(exercise.id)
        return self


@dataclass(frozen=True)
class ResolvedPlan:
    """A plan checked against the content tree: what `build_personal` needs."""

    topic: str | None
    lang: str
    level: str
    layout: str
    paper: str
    personal: PersonalCopy


def read_plan(path: Path) -> PlanFile:
    try:
        data = load_yaml(path)
    except ContentError as exc:   # not found, not UTF-8, malformed YAML: the message names the file and line
        raise PlanError(exc.message) from None
    return plan_from_data(data, where=path)


def plan_from_data(data: Any, *, where: Path | str) -> PlanFile:
    """A plan from a YAML file's or a JSON request's data; PlanError names the field that is wrong (and, for a
    dose, which exercise it belongs to: a physiotherapist does not count list items)."""
    try:
        return validated(PlanFile, data, path=where, error=PlanError,
                         hint="see 'Exercise plans' in the README for the fields and their limits")
    except PlanError as exc:
        found = re.search(r"field 'exercises\[(\d+)\]", exc.message)
        listed = data.get("exercises") if isinstance(data, dict) else None
        if found and isinstance(listed, list) and int(found[1]) < len(listed) \
                and isinstance(listed[int(found[1])], dict) and isinstance(listed[int(found[1])].get("id"), str):
            name = listed[int(found[1])]["id"][:80]
            exc.message = re.sub(r"(field 'exercises\[\d+\][^']*')", lambda m: f"{m[1]} (exercise {name!r})",
                                 exc.message, count=1)
        raise


def resolve_plan(plan: PlanFile, content_dir: Path, *, where: Path | str) -> ResolvedPlan:
    """Check the names a plan uses against the content tree and read each exercise's words."""
    def fail(field: str, message: str, hint: str | None = None) -> PlanError:
        return PlanError(f"field '{field}': {message}", path=where, hint=hint)

    codes = language_codes(content_dir)
    if plan.lang not in codes:
        raise fail("lang", f"unknown language '{plan.lang}'{closest(plan.lang, codes)}",
                   f"languages: {', '.join(codes)}")
    if plan.topic is not None:
        topics = topic_ids(content_dir)
        if plan.topic not in topics:
            raise fail("topic", f"unknown topic '{plan.topic}'{closest(plan.topic, topics)}",
                       f"topics: {', '.join(topics)}; or leave it out for exercises alone")
    known = exercise_ids(content_dir)
    prescriptions = []
    for index, planned in enumerate(plan.exercises):
        if planned.id not in known:
            raise fail(f"exercises[{index}].id", f"unknown exercise '{planned.id}'{closest(planned.id, known)}",
                       "run 'handouts exercises' to list them")
        text = read_exercise_text(read_exercise(content_dir, planned.id), plan.lang, plan.level)
        prescriptions.append(Prescription(text, Dose(planned.sets, planned.reps, planned.hold_seconds,
                                                     planned.per_day)))
    personal = PersonalCopy(plan.patient, plan.clinician, plan.note, exercises=tuple(prescriptions),
                            given_in=str(where))
    return ResolvedPlan(plan.topic, plan.lang, plan.level, plan.layout, plan.paper, personal)
