"""The schemas of the exercise library's files (exercise.yaml, <lang>.yaml, library.yaml): pydantic models that
handouts.content.exercises validates what it reads with. Kept apart so that a build that makes no exercise copy
does not build them (pydantic models take milliseconds each to make).
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handouts.content.schema import Names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Text = Field(min_length=1)


def _https_only(value: str, what: str) -> str:
    """A link a patient's copy prints or opens: empty, or https (never plain http or another scheme)."""
    if value and not value.startswith("https://"):
        raise ValueError(f"{what} should start with https://")
    return value


class _Source(_Strict):
    text: str = Text
    url: str = ""

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        return _https_only(value, "a source's url")


class ExerciseFile(_Strict):
    figures: list[str] = Field(min_length=1, max_length=8)
    sources: list[_Source] = Field(min_length=1)
    video: str = ""

    @field_validator("video")
    @classmethod
    def _video(cls, value: str) -> str:
        return _https_only(value, "the video link")


class _Easy(_Strict):
    name: str = ""
    purpose: str = Text
    start: str = Text
    steps: list[str] = Field(min_length=1)
    stop_if: list[str] = Field(min_length=1)


class _FigureWords(_Strict):
    alt: str = Text
    labels: dict[str, str] = {}


class ExerciseTextFile(_Strict):
    status: Literal["draft", "reviewed"] = "draft"
    name: str = Text
    purpose: str = Text
    start: str = Text
    steps: list[str] = Field(min_length=1)
    stop_if: list[str] = Field(min_length=1)
    easy: _Easy
    figures: dict[str, _FigureWords] = {}
    source: dict[str, str] = {}   # translations: what of the English they were made from (like level files)

    @model_validator(mode="after")
    def _same_steps(self) -> "ExerciseTextFile":
        if len(self.easy.steps) != len(self.steps):
            raise ValueError(f"'easy.steps' has {len(self.easy.steps)} steps but 'steps' has {len(self.steps)}: "
                             "every level shows the same pictures, one per step")
        return self


class LibraryFile(_Strict):
    version: str = Text
    published: _dt.date
    review: _dt.date
    publisher: Names = ""   # a name, or one per language code with 'en' (as topic.yaml)
    order: list[str] = []
