"""A topic declares its own sections and their roles; layouts place sections by role. A new topic is a content
change, never a code change."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from tests.conftest import CONTENT, LAYOUTS
from tests.trees import english_tree, replace_in

TOPIC = """\
id: wrist-care
title: {en: "Wrist care"}
subtitle: {en: "Looking after a sore wrist"}
publisher: "Test clinic"
published: 2026-12-01
review: 2027-12-01
version: "1.0"
sections:
  - {id: about-it, role: intro}
  - {id: looking-after-it, role: actions}
  - {id: getting-help, role: red-flags}
"""

TEXT = """\
---
title: Wrist care
status: reviewed
source: {}
---

## About a sore wrist {#about-it}

::: summary In short
- Rest it for a day or two.
:::

A sore wrist often gets better by itself in a week or two.

## Looking after it {#looking-after-it}

::: checklist Today
- Rest the wrist.
- Use a cold pack for 10 minutes.
:::

## When to get help {#getting-help}

::: warning Get help today if
- your fingers go numb or cold.
:::

Contact your doctor if it is no better in 2 weeks.
"""


def second_topic(root: Path) -> tuple[Path, Path]:
    content, layouts = english_tree(root, levels=("standard",))
    folder = content / "wrist-care" / "en"
    folder.mkdir(parents=True)
    (content / "wrist-care" / "topic.yaml").write_text(TOPIC, encoding="utf-8")
    (folder / "standard.md").write_text(TEXT, encoding="utf-8")
    (folder / "figures.yaml").write_text("{}\n", encoding="utf-8")
    return content, layouts


def run(content: Path, layouts: Path, *args: str):
    return CliRunner().invoke(main, [*args[:1], "--content", str(content), "--layouts", str(layouts), *args[1:]])


def test_a_topic_with_its_own_sections_builds_in_every_page_layout(tmp_path):
    content, layouts = second_topic(tmp_path)
    out = tmp_path / "out"
    result = run(content, layouts, "build", "--topic", "wrist-care", "--layout", "leaflet", "--layout",
                 "large-print", "--layout", "booklet", "--paper", "a4", "--out", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    leaflet = out / "wrist-care/en/wrist-care_en_standard_leaflet_a4.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(leaflet).pages)
    for words in ("About a sore wrist", "Looking after it", "When to get help", "Rest the wrist"):
        assert words in " ".join(text.split()), words
    assert (out / "wrist-care/en/wrist-care_en_standard_booklet_a4.pdf").is_file()
    assert (out / "wrist-care/en/wrist-care_en_standard_large-print_a4.pdf").is_file()


def test_a_topic_without_the_roles_of_a_trifold_has_no_trifold(tmp_path):
    content, layouts = second_topic(tmp_path)
    out = tmp_path / "out"
    result = run(content, layouts, "build", "--layout", "trifold", "--paper", "a4", "--level", "standard",
                 "--out", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert not (out / "wrist-care").exists()                    # skipped: it has no signs, treatment, ...
    assert (out / "back-mouse/en/back-mouse_en_standard_trifold_a4.pdf").is_file()
    asked = run(content, layouts, "build", "--topic", "wrist-care", "--layout", "trifold", "--out", str(out))
    assert asked.exit_code == 2
    assert "cannot be made as layout 'trifold'" in asked.output and "signs" in asked.output


def test_check_passes_the_second_topic(tmp_path):
    content, layouts = second_topic(tmp_path)
    result = CliRunner().invoke(main, ["check", "--content", str(content), "--topic", "wrist-care"])
    assert "missing section" not in result.output and "extra section" not in result.output, result.output


@pytest.mark.parametrize("old, new, needle", [
    ("  - {id: getting-help, role: red-flags}\n", "  - {id: getting-help}\n", "no section has the role red-flags"),
    ("role: actions}", "role: action}", "unknown role 'action' (did you mean 'actions'?)"),
    ("sections:\n", "sectons:\n", "field 'sections' is missing"),
    ("{id: looking-after-it, role: actions}", "{id: about-it, role: actions}", "listed twice"),
])
def test_a_broken_sections_list_is_one_clear_line(tmp_path, old, new, needle):
    content, layouts = second_topic(tmp_path)
    replace_in(content / "wrist-care" / "topic.yaml", old, new)
    result = run(content, layouts, "build", "--topic", "wrist-care", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "topic.yaml" in result.output and needle in result.output, result.output
    assert "Traceback" not in result.output


def test_sections_out_of_the_topic_order_are_refused(tmp_path):
    content, layouts = second_topic(tmp_path)
    replace_in(content / "wrist-care" / "topic.yaml", "  - {id: looking-after-it, role: actions}\n", "")
    replace_in(content / "wrist-care" / "topic.yaml", "  - {id: getting-help, role: red-flags}\n",
               "  - {id: getting-help, role: red-flags}\n  - {id: looking-after-it, role: actions}\n")
    result = run(content, layouts, "build", "--topic", "wrist-care", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "standard.md" in result.output and "out of order" in result.output, result.output


def test_a_trifold_must_show_the_red_flags(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("standard",))
    replace_in(layouts / "trifold.yaml", "{role: red-flags, blocks: [warning]}", "{role: signs, blocks: [lists]}")
    result = run(content, layouts, "build", "--layout", "trifold", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "trifold.yaml" in result.output and "red-flags" in result.output, result.output


def test_layouts_no_longer_list_sections(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("standard",))
    text = (layouts / "leaflet.yaml").read_text(encoding="utf-8")
    (layouts / "leaflet.yaml").write_text(text + "sections: [what-is-it]\n", encoding="utf-8")
    result = run(content, layouts, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "leaflet.yaml" in result.output and "'sections'" in result.output


def test_no_module_of_the_package_names_a_topic_or_its_sections():
    """Section ids and topic ids live in content; the package knows only roles. (A figure may call the lump it
    draws a back mouse: that is a label key of the drawing, not the topic.)"""
    package = Path(__file__).resolve().parents[1] / "handouts"
    sections = {"what-is-it", "when-to-get-help", "self-care", "look-alikes", "what-to-expect", "wound-care"}
    topics = {"back-mouse", "back-mouse-aftercare"}
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        ids = sections | (set() if path.parent.name == "figures" else topics)
        named = [i for i in ids if f'"{i}"' in source or f"'{i}'" in source]
        assert not named, f"{path.relative_to(package)} names {named}"
    assert LAYOUTS.is_dir() and CONTENT.is_dir()
