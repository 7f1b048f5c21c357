"""Small, private copies of the content and layouts trees that a test may break on purpose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def refused_in_standard(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Edit the English standard level (`old` -> `new`): `build` and `check` each refuse it in one line that
    names the file and the edited line, then `message`; the build writes no PDF and reports no internal error."""
    from click.testing import CliRunner

    from handouts.cli import main

    content, layouts = english_tree(tmp_path, levels=("standard",))
    level = content / "back-mouse/en/standard.md"
    replace_in(level, old, new)
    line = next(n for n, text in enumerate(level.read_text(encoding="utf-8").splitlines(), 1) if new in text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--level", "standard", "--paper", "a4", "--out", str(out)])
    assert result.exit_code == 1 and f"standard.md:{line}: {message}" in result.output, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not list(out.rglob("*.pdf"))
    checked = CliRunner().invoke(main, ["check", "--content", str(content), "--layouts", str(layouts)])
    assert checked.exit_code == 1 and f"standard.md:{line}: {message}" in checked.output, checked.output


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def two_cold_builds(tmp_path: Path, script: str) -> list[str]:
    """Two builds of the English easy leaflet (A4), each a new process running `script` (python -c, given the
    CLI's arguments), with a cache folder of their own that links the machine's font instances (made once per
    machine, seconds each): the second finds what the first kept. Asserts that both wrote the same bytes and
    returns what each printed."""
    from handouts.diskcache import cache_dir

    content, layouts = english_tree(tmp_path, levels=("easy",))
    folder = tmp_path / "cache"
    folder.mkdir()
    (cache_dir() / "fonts").mkdir(parents=True, exist_ok=True)
    (folder / "fonts").symlink_to(cache_dir() / "fonts", target_is_directory=True)
    env = {**os.environ, "HANDOUTS_CACHE_DIR": str(folder)}
    args = ["build", "--content", str(content), "--layouts", str(layouts), "--paper", "a4", "--force", "-q"]
    printed = [subprocess.run([sys.executable, "-c", script, *args, "--out", str(tmp_path / out)], env=env,
                              capture_output=True, text=True, check=True).stdout for out in ("first", "second")]
    relpath = "back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf"
    assert (tmp_path / "first" / relpath).read_bytes() == (tmp_path / "second" / relpath).read_bytes()
    return printed
