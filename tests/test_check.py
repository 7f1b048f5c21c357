"""`handouts check`: every kind of problem is found, named with its file and line, and sets the exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.check.content import check_document, format_line, run_check
from handouts.cli import main
from handouts.content.reader import document_levels, read_topic, topic_ids
from tests.conftest import CONTENT

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "content"


@pytest.fixture
def content(tmp_path) -> Path:
    """A private copy of the fixture tree that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def only(report, lang: str, level: str = "easy"):
    return next(d for d in report.documents if d.lang == lang and d.level == level)


def checks(result) -> set[str]:
    return {p.check for p in result.problems}


def test_fixture_tree_passes_with_one_line_per_document_and_a_summary(content):
    result = run("--content", str(content))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("demo en easy  OK  Flesch-Kincaid grade ")
    assert "(target ≤ 6" in lines[0] and " words, " in lines[0] and "SMOG" in lines[0]
    assert lines[1].startswith("demo es easy  OK  Fernández-Huerta ease ") and "(target ≥ 70)" in lines[1]
    assert lines[2].startswith("demo zh-Hans easy  OK  no validated readability formula; mean sentence length ")
    assert "characters" in lines[2]
    assert lines[-1] == "3 documents: 3 passed, 0 failed"


def test_references_are_not_measured(content):
    before = only(run_check(content, langs=["en"]), "en").readability
    edit(content / "demo/en/easy.md", "This leaflet uses expert sources.", "Short. Words. Here. Too. Many.")
    after = only(run_check(content, langs=["en"]), "en").readability
    assert (before.words, before.sentences, before.score) == (after.words, after.sentences, after.score)


def test_stale_translation_is_reported(content):
    edit(content / "demo/en/easy.md", "We do not know why it forms.", "Nobody knows why it forms.")
    result = run("--content", str(content), "--lang", "es")
    assert result.exit_code == 1
    assert "FAIL" in result.output and "English changed since translation: causes" in result.output
    doc = only(run_check(content, langs=["es"]), "es")
    assert doc.stale_sections == ["causes"]
    # Chinese records the same hashes: stale too, and only that section.
    assert only(run_check(content, langs=["zh-Hans"]), "zh-Hans").stale_sections == ["causes"]


def test_level_missing_in_english_is_reported(content):
    edit(content / "demo/es/easy.md", "  faq:", "  faq-old:")
    assert only(run_check(content, langs=["es"]), "es").stale_sections == ["faq (no source hash)"]


def test_missing_section_is_reported_and_does_not_stop_the_run(content):
    path = content / "demo/es/easy.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("## ¿Se puede evitar?"), text.index("## Preguntas")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = run_check(content)
    es = only(report, "es")
    assert not es.ok and "missing section(s): prevention" in format_line(es)
    assert only(report, "en").ok and only(report, "zh-Hans").ok
    assert report.exit_code == 1


def test_extra_and_duplicate_sections_are_reported(content):
    edit(content / "demo/es/easy.md", "{#faq}", "{#faqs}")
    edit(content / "demo/es/easy.md", "{#diagnosis}", "{#causes}")
    doc = only(run_check(content, langs=["es"]), "es")
    messages = " | ".join(str(p) for p in doc.problems)
    assert "extra section 'faqs'" in messages
    assert "section id 'causes' appears twice" in messages
    assert "missing section(s): diagnosis, faq" in messages


def test_undefined_template_variable_is_reported_with_file_and_line(content):
    path = content / "demo/en/easy.md"
    edit(path, "We do not know why it forms.", "We do not know why it forms. Ask {{ clinic.fax }}.")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "clinic.fax" in t)
    doc = only(run_check(content, langs=["en"]), "en")
    problem = next(p for p in doc.problems if p.check == "template")
    assert problem.path.endswith("demo/en/easy.md") and problem.line == line
    assert "fax" in problem.message
    result = run("--content", str(content), "--lang", "en")
    assert result.exit_code == 1 and f"easy.md:{line}: undefined template variable" in result.output


def test_template_errors_in_several_sections_are_all_reported(content):
    path = content / "demo/en/easy.md"
    edit(path, "It can be sore.", "It can be {{ clinic.fax }}.")
    edit(path, "Keep active.", "Keep {{ topic.nope }}.")
    doc = only(run_check(content, langs=["en"]), "en")
    assert len([p for p in doc.problems if p.check == "template"]) == 2


def test_figures_unknown_and_without_text(content):
    edit(content / "demo/en/easy.md", "It can be sore.\n", "It can be sore.\n\n![A lump.](figure:lump-view)\n")
    topic = read_topic(content, "demo")
    doc = check_document(content, topic, "en", "easy", frozenset({"where-it-happens"}))
    messages = [str(p) for p in doc.problems if p.check == "figures"]
    assert any("unknown figure id(s): lump-view" in m for m in messages)
    assert any("figures.yaml: no text alternative for figure(s): lump-view" in m for m in messages)
    (content / "demo/en/figures.yaml").write_text("lump-view:\n  alt: A lump on a back.\n")
    doc = check_document(content, topic, "en", "easy", frozenset({"lump-view"}))
    assert doc.ok, doc.problems
    assert doc.readability is not None


def test_figure_check_skipped_with_a_note_when_figures_cannot_be_imported(content, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "handouts" and fromlist and "figures" in fromlist:
            raise ImportError("figures not ready")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    report = run_check(content, langs=["en"])
    assert report.exit_code == 0
    assert any("figure ids not checked" in n for n in report.notes)


@pytest.mark.parametrize("link, message", [
    ("[read more](www.nhs.uk)", "points to 'www.nhs.uk'"),
    ("[read more](javascript:alert(1))", "use http(s)://, tel: or mailto:"),
    ("[read more]()", "link 'read more' has no target"),
    ("[call](tel:)", "has an empty target"),
])
def test_bad_links_are_reported(content, link, message):
    edit(content / "demo/en/easy.md", "[read more](https://www.nhs.uk/)", link)
    doc = only(run_check(content, langs=["en"]), "en")
    assert any(p.check == "links" and message in p.message for p in doc.problems), doc.problems


def test_good_links_pass(content):
    edit(content / "demo/en/easy.md", "[read more](https://www.nhs.uk/)",
         "[read more](https://www.nhs.uk/), [call](tel:+441234567890), [mail](mailto:a@b.org)")
    assert only(run_check(content, langs=["en"]), "en").ok


def test_level_in_translation_but_not_in_english(content):
    shutil.copy(content / "demo/es/easy.md", content / "demo/es/standard.md")
    doc = only(run_check(content, langs=["es"]), "es", "standard")
    assert any("exists in this translation but not in English" in p.message for p in doc.problems)


def test_readability_miss_fails_and_draft_is_only_a_note(content):
    edit(content / "languages/es.yaml", "easy: 70", "easy: 140")
    result = run("--content", str(content), "--lang", "es")
    assert result.exit_code == 1
    assert "misses its target ≥ 140" in result.output and "draft translation" in result.output
    doc = only(run_check(content, langs=["es"]), "es")
    assert [p.check for p in doc.problems] == ["readability"]
    assert any("draft" in n for n in doc.notes)


def test_language_folder_without_language_entry_is_a_document_failure(content):
    shutil.copytree(content / "demo/es", content / "demo/xx")
    report = run_check(content)
    doc = only(report, "xx")
    assert not doc.ok and "language" in checks(doc)
    assert only(report, "en").ok


def test_json_output(content):
    edit(content / "demo/en/easy.md", "We do not know why it forms.", "Nobody knows why it forms.")
    result = run("--content", str(content), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == {"documents": 3, "passed": 1, "failed": 2, "ok": False}
    en = next(d for d in data["documents"] if d["lang"] == "en")
    assert en["ok"] and en["readability"]["method"] == "flesch-kincaid" and en["readability"]["info"]["smog"] > 0
    es = next(d for d in data["documents"] if d["lang"] == "es")
    assert es["stale_sections"] == ["causes"] and es["problems"][0]["check"] == "stale"
    zh = next(d for d in data["documents"] if d["lang"] == "zh-Hans")
    assert zh["readability"]["unit"] == "characters per sentence" and zh["readability"]["characters"] > 0


def test_selection_by_level_and_missing_requested_level(content):
    result = run("--content", str(content), "--lang", "en", "--level", "standard")
    assert result.exit_code == 1 and "demo en standard  FAIL" in result.output


@pytest.mark.parametrize("args", [("--lang", "xx"), ("--topic", "nope"), ("--level", "hard")])
def test_usage_errors_exit_2(content, args):
    result = CliRunner().invoke(main, ["check", "--content", str(content), *args])
    assert result.exit_code == 2, result.output


def test_real_english_content_passes_every_check():
    result = run("--lang", "en")
    assert result.exit_code == 0, result.output
    documents = sum(len(document_levels(read_topic(CONTENT, t), "en")) for t in topic_ids(CONTENT))
    assert documents == 5   # back-mouse at three levels, its aftercare sheet at two
    assert result.output.strip().splitlines()[-1] == f"{documents} documents: {documents} passed, 0 failed"


@pytest.mark.parametrize("old, new, message, line", [
    ("::: warning Get help now\n", "::: warning Get help now\n::: keypoints Inner\n- x\n:::\n",
     "containers do not nest: close the ::: warning opened on line 56 first", 57),
    ("::: warning Get help now", "::: danger Get help now", "unknown container '::: danger'", 56),
    ("- Your leg goes numb.\n:::", "- Your leg goes numb.\n", "::: warning is never closed", 56),
    ("A lump is a small bump under the skin.", "A lump is a <span>small</span> bump.", "raw HTML", 15),
    ("A lump is a small bump under the skin.", "<div>A lump</div>", "raw HTML", 15),
    ("- Your leg goes numb.\n", "- Your leg goes numb.\n" + "".join("  " * d + "- deep\n" for d in range(1, 11)),
     "nested more than 9 levels deep", None),
])
def test_markdown_the_format_forbids_is_a_problem_with_its_line(content, old, new, message, line):
    """check parses with the same parser as build, so whatever build refuses, check reports."""
    edit(content / "demo/en/easy.md", old, new)
    result = run("--content", str(content), "--lang", "en")
    assert result.exit_code == 1
    doc = only(run_check(content, langs=["en"]), "en")
    assert [p.check for p in doc.problems] == ["content"], doc.problems
    assert message in doc.problems[0].message
    if line is not None:
        assert doc.problems[0].line == line


def test_a_bad_link_is_reported_once(content):
    edit(content / "demo/en/easy.md", "[read more](https://www.nhs.uk/)", "[read more](javascript:alert(1))")
    doc = only(run_check(content, langs=["en"]), "en")
    assert [p.check for p in doc.problems] == ["links"], doc.problems


def test_layouts_that_build_would_refuse_fail_the_check(content, tmp_path):
    from tests.conftest import LAYOUTS

    layouts = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, layouts)
    assert run("--content", str(content), "--layouts", str(layouts)).exit_code == 0
    edit(layouts / "leaflet.yaml", "top: 18mm", "top: -18mm")
    edit(layouts / "trifold.yaml", "{role: red-flags, blocks: [warning]}", "{role: signs, blocks: [lists]}")
    result = run("--content", str(content), "--layouts", str(layouts), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"]["ok"] is False and data["summary"]["failed"] == 0
    messages = {Path(p["path"]).name: p["message"] for p in data["layouts"]}
    assert "margins.top" in messages["leaflet.yaml"]
    assert "red-flags" in messages["trifold.yaml"]
    lines = run("--content", str(content), "--layouts", str(layouts)).output.splitlines()
    assert sum(line.startswith("layout FAIL  ") for line in lines) == 2


def test_a_character_no_font_has_is_found_without_rendering(content):
    from tests.conftest import LAYOUTS

    edit(content / "demo/en/easy.md", "A lump is a small bump under the skin.", "A lump \U0001F42D is a small bump.")
    assert only(run_check(content, langs=["en"]), "en").ok   # without layouts there are no fonts to check
    doc = only(run_check(content, langs=["en"], layouts_dir=LAYOUTS), "en")
    problems = [p for p in doc.problems if p.check == "fonts"]
    assert len(problems) == 1 and "U+1F42D" in problems[0].message, doc.problems
    assert problems[0].path.endswith("easy.md") and problems[0].line == 8   # the section it is in
    result = run("--content", str(content), "--lang", "en")
    assert result.exit_code == 1 and "U+1F42D" in result.output


EN_FIGURE = ("lump-view:\n  alt: A lump on a back.\n  labels:\n    lump: Lump\n    skin: Skin\n")
ES_FIGURE = ("lump-view:\n  alt: Un bulto en la espalda.\n  labels:\n    lump: Bulto\n    skin: Piel\n")


def _figure_in_spanish(content: Path) -> None:
    """English and Spanish texts for one figure, which the Spanish easy level shows; Spanish records the English
    figure hashes that `handouts sources --figures` prints, at the top of its figures.yaml."""
    (content / "demo/en/figures.yaml").write_text(EN_FIGURE, encoding="utf-8")
    edit(content / "demo/es/easy.md", "- No es cáncer.\n:::\n", "- No es cáncer.\n:::\n\n![Un bulto.](figure:lump-view)\n")
    block = CliRunner().invoke(main, ["sources", "--figures", "--content", str(content)], catch_exceptions=False)
    assert block.exit_code == 0 and block.output.startswith("source:\n  lump-view: "), block.output
    (content / "demo/es/figures.yaml").write_text(block.output + "\n" + ES_FIGURE, encoding="utf-8")


def _spanish(content: Path):
    return check_document(content, read_topic(content, "demo"), "es", "easy", frozenset({"lump-view"}))


def test_figures_yaml_records_english_figure_hashes_and_goes_stale_when_a_label_changes(content):
    _figure_in_spanish(content)
    doc = _spanish(content)
    assert doc.ok and doc.stale_figures == [], doc.problems
    # Reordering the English labels changes no words: still current.
    (content / "demo/en/figures.yaml").write_text(
        "lump-view:\n  alt: A lump on a back.\n  labels:\n    skin: Skin\n    lump: Lump\n", encoding="utf-8")
    assert _spanish(content).ok
    edit(content / "demo/en/figures.yaml", "lump: Lump", "lump: Back mouse")
    doc = _spanish(content)
    assert doc.stale_figures == ["lump-view"]
    problem = next(p for p in doc.problems if p.check == "stale")
    assert problem.path.endswith("demo/es/figures.yaml")
    assert "English figure text changed since translation: lump-view" in problem.message
    result = run("--content", str(content), "--lang", "es", "--json")
    assert result.exit_code == 1 and json.loads(result.output)["documents"][0]["stale_figures"] == ["lump-view"]


def test_a_changed_alt_text_or_no_recorded_hash_makes_a_figure_stale(content):
    _figure_in_spanish(content)
    edit(content / "demo/en/figures.yaml", "A lump on a back.", "A lump on the lower back.")
    assert _spanish(content).stale_figures == ["lump-view"]
    (content / "demo/es/figures.yaml").write_text(ES_FIGURE, encoding="utf-8")
    doc = _spanish(content)
    assert doc.stale_figures == ["lump-view (no source hash)"]
    assert any("handouts sources --figures" in p.message for p in doc.problems if p.check == "stale")
    # English itself is the source: never stale.
    assert check_document(content, read_topic(content, "demo"), "en", "easy", None).stale_figures == []


def test_sources_needs_a_level_or_figures(content):
    for args in ([], ["--level", "easy", "--figures"]):
        result = CliRunner().invoke(main, ["sources", "--content", str(content), *args])
        assert result.exit_code == 2 and "--level LEVEL" in result.output
    result = CliRunner().invoke(main, ["sources", "--content", str(content), "--level", "easy"])
    assert result.exit_code == 0 and "  what-is-it: " in result.output


def test_english_is_gated_on_smog_as_well(content):
    edit(content / "languages/en.yaml", "targets: {easy: 6, standard: 8, detailed: 12}",
         "targets: {easy: 6, standard: 8, detailed: 12}\n  smog_targets: {easy: 7}")
    doc = only(run_check(content, langs=["en"]), "en")
    assert doc.ok and doc.readability.info_targets == {"smog": 7.0}
    assert "; SMOG " in format_line(doc) and ", target ≤ 7)" in format_line(doc)
    edit(content / "languages/en.yaml", "smog_targets: {easy: 7}", "smog_targets: {easy: 2}")
    doc = only(run_check(content, langs=["en"]), "en")
    assert [p.check for p in doc.problems] == ["readability"]
    assert doc.problems[0].message == f"SMOG {doc.readability.info['smog']:.1f} misses its target ≤ 2"
    assert doc.readability.passed   # Flesch-Kincaid itself still passes: the SMOG gate alone fails it
    data = json.loads(run("--content", str(content), "--lang", "en", "--json").output)
    assert data["documents"][0]["readability"]["info_targets"] == {"smog": 2.0}


def test_smog_targets_on_a_method_without_smog_is_a_problem(content):
    edit(content / "languages/es.yaml", "easy: 70", "easy: 70}\n  smog_targets: {easy: 7")
    doc = only(run_check(content, langs=["es"]), "es")
    problem = next(p for p in doc.problems if p.check == "readability")
    assert "gives no SMOG grade" in problem.message and problem.path.endswith("languages/es.yaml")


def test_real_english_meets_its_smog_targets():
    report = run_check(CONTENT, langs=["en"])
    for doc in report.documents:
        smog = doc.readability.info["smog"]
        assert doc.readability.info_targets["smog"] >= smog, (doc.topic, doc.level, smog)
