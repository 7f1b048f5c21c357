"""Limits that keep hostile or broken input from hanging a pipeline or drawing outside the page: each ends
quickly with one line that names the file and line (or the option or field) and the limit."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.errors import TemplateError
from handouts.content.templating import render
from tests.trees import english_tree, replace_in

CONTEXT = {"clinic": {"name": "Smith & Jones", "phone": ""}, "topic": {"title": "Back mouse"}}


def _render_error(source: str) -> str:
    with pytest.raises(TemplateError) as caught:
        render(source, CONTEXT, path="easy.md", first_line=10)
    return caught.value.format_message()


@pytest.mark.parametrize("source, line, needle", [
    # the three hostile inputs of the issue
    ("a\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", 11, "1,000"),
    ("a\n\n{{ 'A ' * 2000000 }}", 12, "100,000"),
    # work without a big range or any output
    ("{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}", 10, "10,000"),
    ("{% set ns = namespace(n=0) %}{% for a in range(1000) %}{% for b in 'x' * 1000 %}{% endfor %}{% endfor %}",
     10, "10,000"),
    # values that double on every step
    ("{% set ns = namespace(x='AB') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
     10, "100,000"),
    ("{% set ns = namespace(x=['ab']) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
     10, "100,000"),
    ("{{ ('x' * 90000) | join('y' * 90000) }}", 10, "100,000"),
    ("{{ 'x' | replace('x', 'x' * 90000) | replace('x', 'yy') }}", 10, "100,000"),
    ("{{ 2 ** 100000000 }}", 10, "4,096 bits"),
    ("{{ '%0500000000d' % 1 }}", 10, "100,000"),
    ("{{ 'a'.ljust(1000000000) }}", 10, "ljust"),
    ("{% for i in range(300) %}{{ 'x' * 1000 }}{% endfor %}", 10, "200,000 characters"),
])
def test_template_work_and_size_are_bounded(source, line, needle):
    message = _render_error(source)
    assert message.startswith(f"easy.md:{line}: "), message
    assert needle in message, message


@pytest.mark.parametrize("tag", ["{% include 'x.md' %}", "{% import 'x.md' as x %}",
                                 "{% from 'x.md' import y %}", "{% extends 'x.md' %}"])
def test_templates_cannot_read_other_files(tag):
    message = _render_error(f"Text.\n{tag}")
    assert message.startswith("easy.md:11: ") and "cannot include other files" in message, message


@pytest.mark.parametrize("tag", ["{% macro f() %}x{% endmacro %}", "{% call f() %}x{% endcall %}",
                                 "{% filter upper %}x{% endfilter %}", "{% set x %}y{% endset %}",
                                 "{% block b %}x{% endblock %}", "{% for x in [1] recursive %}{% endfor %}"])
def test_tags_that_capture_output_are_refused(tag):
    """Output collected into a value would escape the count of what a section writes."""
    message = _render_error(f"Text.\n\n{tag}")
    assert message.startswith("easy.md:12: ") and "not available in content templates" in message, message


@pytest.mark.parametrize("source, needle", [
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ("{{ 'a'|center(1000000000) }}", "No filter named 'center'"),
    ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
])
def test_template_mistakes_are_template_errors(source, needle):
    assert needle in _render_error(source)


def test_ordinary_templates_still_render():
    text = render("{% if clinic.name %}Call {{ clinic.name|upper }}{% endif %} {{ range(3)|join('-') }}",
                  CONTEXT, path="easy.md")
    assert text == "Call SMITH \\& JONES 0\\-1\\-2"


@pytest.fixture
def tree(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    return content, layouts, tmp_path / "out"


def cli(tree, *extra: str, command: str = "build", env: dict | None = None):
    content, layouts, out = tree
    args = [command, "--content", str(content), "--lang", "en", "--level", "easy"]
    if command == "build":
        args += ["--layouts", str(layouts), "--out", str(out), "-j", "1", "--paper", "a4"]
    return CliRunner().invoke(main, args + list(extra), env=env)


def assert_clean(result, *needles: str) -> None:
    assert result.exit_code != 0, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in result.output, result.output


def pdfs(out: Path) -> list[Path]:
    return sorted(out.rglob("*.pdf")) if out.exists() else []


def easy(tree) -> Path:
    return tree[0] / "back-mouse/en/easy.md"


def test_check_reports_an_include_instead_of_aborting(tree):
    replace_in(easy(tree), "A back mouse is", "{% include 'other.md' %}\n\nA back mouse is")
    result = cli(tree, command="check")
    assert_clean(result, "easy.md:", "content templates cannot include other files")


BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                 + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)])


def test_yaml_alias_bomb_in_front_matter_is_refused(tree):
    replace_in(easy(tree), "status: reviewed", f"status: reviewed\n{BOMB}")
    result = cli(tree)
    assert_clean(result, "easy.md:6: YAML alias '*a' in front matter is not allowed")
    assert pdfs(tree[2]) == []


def test_yaml_alias_in_topic_is_refused(tree):
    topic = tree[0] / "back-mouse/topic.yaml"
    topic.write_text(BOMB + "\n" + topic.read_text(encoding="utf-8"), encoding="utf-8")
    assert_clean(cli(tree), "topic.yaml:2: YAML alias '*a' is not allowed")


def test_no_project_yaml_uses_aliases():
    """Refusing aliases everywhere is safe only while the project's own files have none."""
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("content/**/*.yaml"), *root.glob("layouts/*.yaml")]:
        events = yaml.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(e, yaml.AliasEvent) for e in events), path


def test_huge_content_file_is_refused_before_parsing(tree):
    replace_in(easy(tree), "A back mouse is", ("word " * 20 + "\n\n") * 21000 + "A back mouse is")
    assert_clean(cli(tree), "easy.md: file is", "larger than the limit of 2,000,000")


def test_huge_paragraph_is_refused_with_its_line(tree):
    text = easy(tree).read_text(encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if "A back mouse is" in x)) + 1
    replace_in(easy(tree), "A back mouse is", "word " * 5000 + "\n\nA back mouse is")
    assert_clean(cli(tree), f"easy.md:{line}: paragraph of more than 20,000 characters")


@pytest.mark.parametrize("value", ["yesterday", "1e9", "-5", "99999999999999999", "١٢٣"])
def test_bad_source_date_epoch_is_one_clear_line(tree, value):
    result = cli(tree, env={"SOURCE_DATE_EPOCH": value})
    assert_clean(result, "SOURCE_DATE_EPOCH is", "an integer from 0 to 253402300799")
    assert pdfs(tree[2]) == []


def test_bad_source_date_epoch_in_a_personal_copy(tree):
    result = cli(tree, "--patient", "Ana", env={"SOURCE_DATE_EPOCH": "tomorrow"})
    assert_clean(result, "SOURCE_DATE_EPOCH is 'tomorrow'")


@pytest.mark.parametrize("option, limit", [("--patient", 100), ("--clinician", 100), ("--note", 4000)])
def test_personal_fields_over_their_limit_are_refused(tree, option, limit):
    extra = [option, "x" * (limit + 1)] + ([] if option == "--patient" else ["--patient", "Ana"])
    result = cli(tree, *extra)
    assert_clean(result, f"{option} is {limit + 1:,} characters; the limit is {limit:,}")
    assert pdfs(tree[2]) == []


@pytest.mark.parametrize("level", ["easy", "standard"])
def test_a_note_at_the_limit_renders_whole_across_pages(tmp_path, level):
    content, layouts = english_tree(tmp_path, levels=(level,))
    words = [f"plan{i:03d}" for i in range(500)]
    note = " ".join(words)[:4000]
    kept = note.split()
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts), "--out",
                                       str(tmp_path / "out"), "--lang", "en", "--level", level, "--paper", "a4",
                                       "--patient", "Ana", "--note", note])
    assert result.exit_code == 0, result.output
    (pdf,) = pdfs(tmp_path / "out")
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    found: list[str] = []
    for page in reader.pages:
        top = float(page.mediabox.top)

        def inside(text, cm, tm, font, size, found=found, top=top):
            y = tm[5] * cm[3] + cm[5]
            for word in re.findall(r"plan\d{3}", text):
                assert 0 < y < top, (word, y)  # drawn on the page, not below or above it
                found.append(word)

        page.extract_text(visitor_text=inside)
    assert sorted(set(found)) == sorted(set(kept))


def test_clinic_field_over_its_limit_is_refused(tree, tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Clinic\naddress: " + "a" * 201 + "\n", encoding="utf-8")
    assert_clean(cli(tree, "--clinic", str(profile)),
                 "clinic.yaml: field 'address' is 201 characters; the limit is 200")


def test_clinic_fields_at_their_limits_render(tree, tmp_path):
    profile = tmp_path / "clinic.yaml"
    fields = {"name": ("Wordy " * 20)[:80], "address": ("Street " * 40)[:200], "phone": "+44 (0)20 7946 0000 ext 1234",
              "website": "https://" + "w" * 104 + ".example", "clinician": ("Name " * 30)[:100]}
    profile.write_text(yaml.safe_dump(fields), encoding="utf-8")
    result = cli(tree, "--clinic", str(profile))
    assert result.exit_code == 0, result.output
    # A tri-fold's panels have a fixed size: the longest profile either fits or is refused naming the panel
    # (the easy red-flag panel, which names the clinic and its phone, is the tightest).
    result = cli(tree, "--clinic", str(profile), "--layout", "trifold")
    assert result.exit_code == 0 or ("panel 'back' overflows by" in result.output
                                     and "Traceback" not in result.output), result.output


def test_a_long_title_grows_the_cover_band_and_one_too_long_is_refused(tree):
    replace_in(easy(tree), "title: Back mouse", "title: " + "Wide words " * 15)
    result = cli(tree)
    assert result.exit_code == 0, result.output
    (pdf,) = pdfs(tree[2])
    assert "Wide words Wide words" in " ".join(PdfReader(pdf).pages[0].extract_text().split())
    replace_in(easy(tree), "title: " + "Wide words " * 15, "title: " + "W" * 201)
    assert_clean(cli(tree), "easy.md: 'title' is 201 characters; the limit is 200")


def test_nested_containers_are_a_content_error(tree):
    text = easy(tree).read_text(encoding="utf-8")
    line = next(n for n, x in enumerate(text.splitlines(), 1) if "{#causes}" in x) + 3
    replace_in(easy(tree), "{#causes}", "{#causes}\n\n::: keypoints\n::: warning\nInner\n:::\n:::\n")
    assert_clean(cli(tree), f"easy.md:{line}:", "containers do not nest: close the ::: keypoints opened on line")


def test_a_figure_inside_a_box_renders(tree):
    replace_in(easy(tree), "{#causes}",
               "{#causes}\n\n::: warning Look\n![Where it hurts](figure:where-it-happens)\n:::\n")
    result = cli(tree)
    assert result.exit_code == 0, result.output
    (pdf,) = pdfs(tree[2])
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Where it hurts" in text
