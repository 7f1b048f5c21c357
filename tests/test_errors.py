"""Bad input: one line naming the file and line or field and what to do, non-zero exit, no traceback, and no
partial output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main
from tests.trees import english_tree, replace_in


def run(args: list[str]):
    result = CliRunner().invoke(main, args)
    return result


@pytest.fixture
def tree(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("standard",))
    out = tmp_path / "out"
    return content, layouts, out


def build(tree, *extra: str):
    content, layouts, out = tree
    return run(["build", "--content", str(content), "--layouts", str(layouts), "--out", str(out), "-j", "1",
                "--paper", "a4", *extra])


def assert_clean_failure(result, *needles: str, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    message = result.output.strip().splitlines()[-1] if code != 2 else result.output
    for needle in needles:
        assert needle in result.output, result.output
    return message


def pdfs(out: Path) -> list[Path]:
    return sorted(out.rglob("*.pdf")) if out.exists() else []


def test_good_tree_builds(tree):
    result = build(tree)
    assert result.exit_code == 0, result.output
    assert len(pdfs(tree[2])) == 1


def test_malformed_front_matter(tree):
    path = tree[0] / "back-mouse/en/standard.md"
    replace_in(path, "status: reviewed", "status: [reviewed")
    result = build(tree)
    assert_clean_failure(result, "standard.md:", "malformed front matter")
    assert pdfs(tree[2]) == []


def test_malformed_yaml_in_topic(tree):
    replace_in(tree[0] / "back-mouse/topic.yaml", "version:", "version: : :")
    result = build(tree)
    assert_clean_failure(result, "topic.yaml", "malformed YAML")
    assert pdfs(tree[2]) == []


def test_missing_section(tree):
    path = tree[0] / "back-mouse/en/standard.md"
    text = path.read_text()
    start, end = text.index("## What causes"), text.index("## What does it feel like")
    path.write_text(text[:start] + text[end:])
    result = build(tree)
    assert_clean_failure(result, "standard.md", "missing section(s): causes")
    assert pdfs(tree[2]) == []


def test_unknown_section_id(tree):
    replace_in(tree[0] / "back-mouse/en/standard.md", "{#causes}", "{#causez}")
    result = build(tree)
    assert_clean_failure(result, "standard.md:", "unknown section id 'causez'", "did you mean 'causes'")
    assert pdfs(tree[2]) == []


def test_duplicate_section(tree):
    replace_in(tree[0] / "back-mouse/en/standard.md", "{#causes}", "{#what-is-it}")
    result = build(tree)
    assert_clean_failure(result, "appears twice")


@pytest.mark.parametrize("option,value,needle", [
    ("--lang", "eng", "did you mean 'en'"),
    ("--layout", "leaflett", "did you mean 'leaflet'"),
    ("--topic", "back-mice", "did you mean 'back-mouse'"),
])
def test_unknown_names_suggest(tree, option, value, needle):
    result = build(tree, option, value)
    assert result.exit_code == 2
    assert needle in result.output
    assert pdfs(tree[2]) == []


def test_unknown_level_is_usage_error(tree):
    result = build(tree, "--level", "hard")
    assert result.exit_code == 2


def test_undefined_template_variable(tree):
    path = tree[0] / "back-mouse/en/standard.md"
    replace_in(path, "{% if clinic.phone %}", "{% if clinic.phon %}")
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "clinic.phon %" in text)
    result = build(tree)
    assert_clean_failure(result, f"standard.md:{line}:", "undefined template variable", "phon")


def test_template_cannot_reach_python_internals(tree):
    path = tree[0] / "back-mouse/en/standard.md"
    replace_in(path, "Anyone can get a back mouse.",
               "{{ clinic.__class__.__mro__[1].__subclasses__() }}")
    result = build(tree)
    assert result.exit_code == 1
    assert "standard.md:" in result.output and "Traceback" not in result.output
    assert pdfs(tree[2]) == []


def test_unknown_figure(tree):
    path = tree[0] / "back-mouse/en/standard.md"
    replace_in(path, "(figure:cross-section)", "(figure:cross-sectoin)")
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "cross-sectoin" in text)
    result = build(tree)
    assert_clean_failure(result, f"standard.md:{line}:", "unknown figure id 'cross-sectoin'",
                         "did you mean 'cross-section'")


def test_character_no_font_has(tree):
    replace_in(tree[0] / "back-mouse/en/standard.md", "Anyone can get a back mouse.",
               "Anyone can get a back mouse \U0001F42D.")
    result = build(tree)
    assert_clean_failure(result, "U+1F42D", "'en'", "standard.md")
    assert pdfs(tree[2]) == []


def test_bad_layout_field(tree):
    replace_in(tree[1] / "leaflet.yaml", "gutter: 7mm", "gutter: seven")
    result = build(tree)
    assert_clean_failure(result, "leaflet.yaml", "gutter", "not a length")


def test_bad_layout_colour(tree):
    replace_in(tree[1] / "leaflet.yaml", 'accent: "#1f5f8b"', 'accent: "blue-ish"')
    result = build(tree)
    assert_clean_failure(result, "leaflet.yaml", "colours.accent")


def test_output_directory_not_writable(tree, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    content, layouts, _ = tree
    result = run(["build", "--content", str(content), "--layouts", str(layouts), "--out", str(blocker / "x"),
                  "--paper", "a4", "-j", "1"])
    assert result.exit_code == 1
    assert "output directory" in result.output and "--out" in result.output


def test_disk_full_leaves_no_partial_file(tree, monkeypatch):
    import errno
    import os as os_module

    real_fsync = os_module.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("handouts.build.matrix.os.fsync", full)
    result = build(tree)
    monkeypatch.setattr("handouts.build.matrix.os.fsync", real_fsync)
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    out = tree[2]
    assert pdfs(out) == []
    assert not [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"]


def test_unexpected_error_is_one_line(tree, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("handouts.build.matrix.plan", boom)
    result = build(tree)
    assert result.exit_code == 1
    assert "internal error RuntimeError: kaboom" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
