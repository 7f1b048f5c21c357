"""The review trail (PIF TICK): every leaflet names its author and its clinical reviewer with their role and the date
of review, from topic.yaml, in the leaflet's language; without a reviewer it says that no clinician has reviewed
it, and never claims "Reviewed content"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.content.reader import read_topic
from handouts.build.matrix import BuildOptions, build
from tests.conftest import CONTENT, LAYOUTS, build_into
from tests.pdfread import normalized
from tests.trees import english_tree, replace_in

REVIEWER = 'reviewer:\n  name: "Dr A. Example"\n  role: "General practitioner"\n  reviewed: 2026-11-30\n'
EMPTY = 'reviewer:\n  name: ""\n  role: ""\n  reviewed: null\n'


def _html(out: Path, lang: str, level: str, content: Path = CONTENT, layouts: Path = LAYOUTS) -> str:
    """The HTML twin (built apart from the PDFs: build_into checks every file it built as a PDF)."""
    report = build(BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=out / "html", topics=("back-mouse",),
                                langs=(lang,), levels=(level,), formats=("html",)))
    assert report.ok, report.failed
    return (out / "html" / f"back-mouse/{lang}/back-mouse_{lang}_{level}_leaflet.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def unreviewed(tmp_path_factory) -> Path:
    """The project's own English and Spanish, whose topic.yaml names no reviewer yet."""
    out = tmp_path_factory.mktemp("unreviewed")
    build_into(out, topics=("back-mouse",), langs=("en", "es"), levels=("easy",), layouts=("leaflet", "trifold"),
               papers=("a4",))
    return out


def test_topic_reads_author_and_an_empty_reviewer():
    topic = read_topic(CONTENT, "back-mouse")
    assert topic.author == topic.publisher == "Patient information team"
    assert topic.author_in("es") == topic.publisher_in("es") == "Equipo de información al paciente"
    assert topic.author_in("xx") == "Patient information team"   # English stands in
    assert not topic.reviewer.present and topic.reviewer.reviewed is None


def test_unreviewed_english_says_so_and_never_claims_review(unreviewed):
    for name in ("leaflet", "trifold"):
        text = normalized(unreviewed / f"back-mouse/en/back-mouse_en_easy_{name}_a4.pdf")
        assert "Written by Patient information team" in text, name
        assert "Produced by" not in text, name   # the team that wrote it published it: named once
        assert "Not yet reviewed by a clinician" in text, name
        assert "Reviewed content" not in text and "Reviewed by" not in text, name
    html = _html(unreviewed, "en", "easy")
    assert "<p>Written by Patient information team</p>" in html and "Not yet reviewed by a clinician" in html
    assert "Reviewed content" not in html


def test_draft_translation_prints_the_trail_in_its_language_and_stays_draft(unreviewed):
    text = normalized(unreviewed / "back-mouse/es/back-mouse_es_easy_leaflet_a4.pdf")
    assert "Redactado por Equipo de información al paciente" in text
    assert "Patient information team" not in text   # the running header too is in Spanish
    assert "Aún no revisado por un profesional de salud" in text
    assert "Traducción en borrador" in text and "Contenido revisado" not in text
    assert "Redactado por Equipo de información al paciente" in _html(unreviewed, "es", "easy")


def test_named_reviewer_with_role_and_date_in_every_writer(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    replace_in(content / "back-mouse/topic.yaml", EMPTY, REVIEWER)
    out = tmp_path / "out"
    build_into(out, content_dir=content, layouts_dir=layouts, layouts=("leaflet", "trifold"), papers=("a4",))
    line = "Reviewed by Dr A. Example, General practitioner, on 30 November 2026"
    leaflet = normalized(out / "back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf")
    assert line in leaflet and "Reviewed content" in leaflet and "Not yet reviewed" not in leaflet
    trifold = normalized(out / "back-mouse/en/back-mouse_en_easy_trifold_a4.pdf")
    assert line in trifold and "Not yet reviewed" not in trifold
    html = _html(out, "en", "easy", content, layouts)
    assert line in html and "Reviewed content" in html


@pytest.mark.parametrize("reviewer, needle", [
    ('reviewer:\n  name: "Dr A. Example"\n  role: ""\n  reviewed: null\n', "lacks their 'role' or the 'reviewed'"),
    ('reviewer:\n  name: ""\n  role: "GP"\n  reviewed: 2026-11-30\n', "has a role or date but no 'name'"),
    ('reviewer:\n  name: "Dr A. Example"\n  role: "GP"\n  reviewed: last week\n', "'reviewer.reviewed' is not a date"),
    ('reviewer:\n  nmae: "Dr A. Example"\n', "unknown key 'reviewer.nmae' (did you mean 'name'?)"),
    ("reviewer: Dr A. Example\n", "'reviewer' should be a mapping"),
])
def test_a_malformed_reviewer_is_one_line_naming_topic_yaml(tmp_path, reviewer, needle):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    replace_in(content / "back-mouse/topic.yaml", EMPTY, reviewer)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "topic.yaml" in message[0] and needle in message[0], result.output
    assert "internal error" not in result.output
    assert not (tmp_path / "out" / "back-mouse").exists()


def test_a_name_per_language_needs_an_english_one(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    replace_in(content / "back-mouse/topic.yaml", '  en: "Patient information team"\n', "", count=1)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "topic.yaml: field 'publisher' gives names per language but none for 'en'" in result.output, result.output
    assert "internal error" not in result.output and not (tmp_path / "out" / "back-mouse").exists()


def test_an_arabic_leaflet_names_its_publisher_in_arabic(tmp_path):
    """The running header on every page and the small print: no English left on an unbranded Arabic leaflet."""
    from tests.pdfread import extracted_words

    build_into(tmp_path, topics=("back-mouse",), langs=("ar",), levels=("easy",), papers=("a4",))
    path = tmp_path / "back-mouse/ar/back-mouse_ar_easy_leaflet_a4.pdf"
    words = extracted_words(path)
    assert "Patient" not in words and "handouts" not in words
    pages = len(PdfReader(path).pages)
    assert words.count("فريق") >= pages and words.count("المرضى") >= pages   # the headers and the small print
