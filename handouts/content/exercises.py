"""The exercise library (content/exercises/): what a physiotherapist can add to one patient's copy.

One folder per exercise: `exercise.yaml` names one picture per step, the sources the text was written from and
an optional video link; `<lang>.yaml` holds the words in one language (name, purpose, starting position,
numbered steps, "stop if" notes, the easy-level wording, and the figures' alt text and labels). `library.yaml`
dates and signs a copy that has exercises only. Everything is validated here (by the schemas of
handouts.content.exercise_files, imported when a file is read), with errors naming the file and field; which figure
ids exist is the figures' business and is checked when a copy is drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.confine import confined
from handouts.content.model import Document, FigureText, Reference, Topic
from handouts.content.reader import in_english, load_yaml, per_language
from handouts.errors import ContentError, UsageError
from handouts.suggest import closest

if TYPE_CHECKING:
    from handouts.content.exercise_files import LibraryFile

FOLDER = "exercises"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library, independent of language."""

    id: str
    path: Path                      # its folder
    figures: tuple[str, ...]        # the picture of each step
    sources: tuple[Reference, ...]
    video: str = ""


@dataclass(frozen=True)
class ExerciseText:
    """One exercise's words in one language at one reading level (easy has its own, shorter wording)."""

    exercise: Exercise
    lang: str
    level: str
    status: str
    name: str
    purpose: str
    start: str
    steps: tuple[str, ...]
    stop_if: tuple[str, ...]
    figures: dict[str, FigureText]
    path: Path                      # the <lang>.yaml it came from


def library_dir(content_dir: Path) -> Path:
    return content_dir / FOLDER


def exercise_ids(content_dir: Path) -> list[str]:
    """The exercises that exist, in the library's order (then any others alphabetically)."""
    folder = library_dir(content_dir)
    if not folder.is_dir():
        return []
    found = sorted(p.name for p in folder.iterdir() if (p / "exercise.yaml").is_file())
    order = library_order(content_dir)
    return [i for i in order if i in found] + [i for i in found if i not in order]


def library_order(content_dir: Path) -> list[str]:
    path = library_dir(content_dir) / "library.yaml"
    return list(_library(path).order) if path.is_file() else []


def _library(path: Path) -> LibraryFile:
    from handouts.content.exercise_files import LibraryFile
    from handouts.content.schema import validated

    return validated(LibraryFile, load_yaml(path), path=path)


def read_exercise(content_dir: Path, exercise_id: str) -> Exercise:
    ids = exercise_ids(content_dir)
    if exercise_id not in ids:
        raise UsageError(f"unknown exercise '{exercise_id}'{closest(exercise_id, ids)}; exercises: "
                         f"{', '.join(ids) or 'none'}")
    path = confined(content_dir, Path(FOLDER) / exercise_id / "exercise.yaml", what="exercise file",
                    source=content_dir)
    from handouts.content.exercise_files import ExerciseFile
    from handouts.content.schema import validated

    data = validated(ExerciseFile, load_yaml(path), path=path)
    return Exercise(id=exercise_id, path=path.parent, figures=tuple(data.figures),
                    sources=tuple(Reference(str(i + 1), s.text, s.url) for i, s in enumerate(data.sources)),
                    video=data.video)


def exercise_languages(exercise: Exercise) -> list[str]:
    return sorted(p.stem for p in exercise.path.glob("*.yaml") if p.name != "exercise.yaml")


def read_exercise_text(exercise: Exercise, lang: str, level: str) -> ExerciseText:
    """The words of `exercise` in `lang` at `level`; the easy level uses the `easy:` wording."""
    path = exercise.path / f"{lang}.yaml"
    if not path.is_file():
        have = exercise_languages(exercise)
        raise ContentError(f"exercise '{exercise.id}' has no text in language '{lang}'", path=path,
                           hint=f"it exists in: {', '.join(have) or 'none'}; write {lang}.yaml or choose another")
    path = confined(exercise.path.parent.parent, path.relative_to(exercise.path.parent.parent),
                    what="exercise text", source=exercise.path)
    from handouts.content.exercise_files import ExerciseTextFile
    from handouts.content.schema import validated

    data = validated(ExerciseTextFile, load_yaml(path), path=path)
    if len(data.steps) != len(exercise.figures):
        raise ContentError(f"field 'steps' has {len(data.steps)} steps but exercise.yaml names "
                           f"{len(exercise.figures)} pictures", path=path, hint="one picture per step")
    for fig_id in dict.fromkeys(exercise.figures):
        if fig_id not in data.figures:
            raise ContentError(f"field 'figures' has no alt text and labels for '{fig_id}'", path=path,
                               hint=f"add '{fig_id}:' with 'alt' and 'labels'")
    words = data.easy if level == "easy" else data
    return ExerciseText(
        exercise=exercise, lang=lang, level=level, status=data.status,
        name=(data.easy.name or data.name) if level == "easy" else data.name,
        purpose=words.purpose, start=words.start, steps=tuple(words.steps), stop_if=tuple(words.stop_if),
        figures={k: FigureText(v.alt, dict(v.labels)) for k, v in data.figures.items()}, path=path)


def library_topic(content_dir: Path, titles: dict[str, str]) -> Topic:
    """A topic with no sections that carries the library's version, dates and publisher: what a copy made of
    exercises alone shows in its footer. `titles` are its title per language (the page furniture's)."""
    path = library_dir(content_dir) / "library.yaml"
    data = _library(path)
    return Topic(id="exercises", path=path.parent, titles=titles, subtitles={},
                 publisher=in_english(data.publisher), publisher_names=per_language(data.publisher),
                 published=data.published, review=data.review, version=data.version, keywords={},
                 references=(), sections=())


EXERCISES_ONLY = FOLDER   # the "topic" of a copy with exercises alone; no real topic can have the library's folder


def exercises_document(content_dir: Path, lang: str, level: str, title: str, texts: tuple[ExerciseText, ...]
                       ) -> Document:
    """The document of a copy with exercises only: no sections, the library's dates, draft if any text is."""
    topic = library_topic(content_dir, {lang: title})
    return Document(topic=topic, lang=lang, level=level, path=library_dir(content_dir) / "library.yaml",
                    title=title, subtitle="", status="draft" if any(t.status == "draft" for t in texts)
                    else "reviewed", sections=())
