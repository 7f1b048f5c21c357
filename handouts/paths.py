"""Where the project's own content and layouts live.

In a source checkout or an editable install they sit beside the package (`content/`, `layouts/`); a regular
`pip install .` copies them into the package as `handouts/_data/` (see setup.py). Looking in both places lets a
clinic use the installed tool with the bundled leaflets and still point `--content` at its own tree.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def default_content_dir() -> Path:
    return _bundled("content")


def default_layouts_dir() -> Path:
    return _bundled("layouts")
