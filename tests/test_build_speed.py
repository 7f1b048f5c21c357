"""What makes a build fast without changing what it makes: the order workers take documents in, one reading of a
document for all its papers, fonts prepared once before the first document (and said so), fallback fonts
registered when first needed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from handouts.build import matrix
from handouts.build.matrix import BuildOptions, plan, prepare_fonts, schedule
from handouts.build.shard import job_cost
from handouts.cli import main
from tests.trees import english_tree, replace_in


def test_workers_take_a_documents_papers_together_heaviest_first(tmp_path):
    content, layouts = english_tree(tmp_path)
    jobs = plan(BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=tmp_path / "out",
                             layouts=("leaflet", "large-print")))
    groups = schedule(jobs, content)
    assert sorted(job.relpath for group in groups for job in group) == sorted(job.relpath for job in jobs)
    for group in groups:
        assert {job.paper for job in group} == {"a4", "letter"}
        assert len({(job.topic, job.lang, job.level, job.layout) for job in group}) == 1
    costs = [sum(job_cost(job, content) for job in group) for group in groups]
    assert costs == sorted(costs, reverse=True) and costs[0] > costs[-1]
    assert groups[0][0].layout == "large-print"   # the heaviest layout weight starts first


def test_a_document_is_read_once_for_both_papers_and_again_when_it_changes(tmp_path, monkeypatch):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    reads = []
    real = matrix.read_document
    monkeypatch.setattr(matrix, "read_document", lambda *args: reads.append(args[2]) or real(*args))
    monkeypatch.setitem(matrix._STATE, "documents", {})
    options = BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=tmp_path / "out", jobs=1)
    first = matrix.build(options)
    assert len(first.built) == 2 and reads == ["easy"]
    replace_in(content / "back-mouse" / "en" / "easy.md", "back mouse", "back-mouse lump")
    second = matrix.build(options)
    assert len(second.built) == 2 and reads == ["easy", "easy"]   # never the stale model
    assert second.built[1]["sha256"] != first.built[1]["sha256"]


def test_fonts_are_prepared_before_any_document_and_the_wait_is_announced(tmp_path, monkeypatch):
    """An empty font cache: prepare_fonts says so before it makes the first instance, then makes each once."""
    from handouts.text import fonts

    content, layouts = english_tree(tmp_path, levels=("easy",))
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(matrix._STATE, "fonts", None)
    events: list[str] = []
    monkeypatch.setattr(fonts, "_instance", lambda source, axes: events.append(f"instance {source.name}") or source)
    options = BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=tmp_path / "out", jobs=1)
    prepare_fonts(options, plan(options), notice=events.append)
    assert events[0] == "preparing fonts (once per machine)…"
    assert [e for e in events if e.startswith("instance")] and events.count(events[0]) == 1


def test_no_announcement_when_the_fonts_are_ready(tmp_path, monkeypatch):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    monkeypatch.setitem(matrix._STATE, "fonts", None)
    options = BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=tmp_path / "out", jobs=1)
    prepare_fonts(options, plan(options))        # the machine's cache: made now if it was not
    said: list[str] = []
    monkeypatch.setitem(matrix._STATE, "fonts", None)
    prepare_fonts(options, plan(options), notice=said.append)
    assert said == []


def test_a_language_that_cannot_load_is_left_to_its_documents(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    replace_in(content / "languages" / "en.yaml", "fallback: [noto-sans]", "fallback: [noto-sans-typo]")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--out", str(tmp_path / "out"), "-j", "1", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])
    assert len(report["failed"]) == 2 and "noto-sans-typo" in report["failed"][0]["error"]
    assert "internal error" not in result.output


def test_a_fallback_family_is_registered_when_a_character_first_needs_it():
    """In a fresh process: a language's chain registers its body family at once and a fallback only when a
    character needs it, and then before it is drawn."""
    import subprocess
    import sys

    code = """
from reportlab.pdfbase import pdfmetrics
from handouts.text.fonts import FontLibrary, font_chain
from handouts.paths import default_layouts_dir
chain = font_chain(FontLibrary(default_layouts_dir()), "atkinson-hyperlegible", ["noto-sans"], "en")
names = lambda: set(pdfmetrics.getRegisteredFontNames())
body, fallback = (family.face("regular").name for family in chain.families)
print(body in names(), fallback in names(), end=" ")
print(chain.family_for("\u0175") is chain.families[1], fallback in names())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False", "True", "True"]
