"""Small, private copies of the content and layouts trees that a test may break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CONTENT, LAYOUTS


def english_tree(root: Path, levels: tuple[str, ...] = ("easy", "standard", "detailed")) -> tuple[Path, Path]:
    content, layouts = root / "content", root / "layouts"
    (content / "languages").mkdir(parents=True)
    shutil.copy(CONTENT / "languages" / "en.yaml", content / "languages" / "en.yaml")
    (content / "back-mouse" / "en").mkdir(parents=True)
    shutil.copy(CONTENT / "back-mouse" / "topic.yaml", content / "back-mouse" / "topic.yaml")
    shutil.copy(CONTENT / "back-mouse" / "en" / "figures.yaml", content / "back-mouse" / "en" / "figures.yaml")
    for level in levels:
        shutil.copy(CONTENT / "back-mouse" / "en" / f"{level}.md", content / "back-mouse" / "en" / f"{level}.md")
    shutil.copytree(LAYOUTS, layouts)
    return content, layouts


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
