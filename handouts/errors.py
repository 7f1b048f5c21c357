"""Errors a user can cause.

Every one subclasses click.ClickException so that the CLI prints a single line and exits non-zero without a
traceback. Each names where the problem is (file, line or field) and what to do about it.
"""

from __future__ import annotations

from pathlib import Path

import click


class HandoutsError(click.ClickException):
    """A problem in the user's input or environment, reported as one line."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
            where += ": "
        text = where + message
        if hint:
            text += f" ({hint})"
        super().__init__(text)
        self.path = path
        self.line = line


class ContentError(HandoutsError):
    """Content files are malformed or inconsistent."""


class LayoutError(HandoutsError):
    """A layout file is malformed or names something that does not exist."""


class TemplateError(ContentError):
    """A Jinja2 template in content failed to render."""


class FontError(HandoutsError):
    """A character cannot be drawn with any configured font, or a font cannot be loaded."""


class FigureError(ContentError):
    """Content refers to a figure that does not exist or lacks its labels."""


class OverflowError_(HandoutsError):
    """Content does not fit a fixed area of a layout."""


class UsageError(click.UsageError):
    """An unknown option value; exits with 2 like click's own usage errors."""


class PlanError(HandoutsError):
    """A plan file (or the same request from the web page) asks for something unknown or impossible."""
