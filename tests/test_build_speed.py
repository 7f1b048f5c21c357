"""What makes a build fast without changing what it makes: the order workers take documents in, one reading of a
document for all its papers, fonts prepared once before the first document (and said so), fallback fonts
registered when first needed."""

from __future__ import annotations

import json
from pathlib import Path

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


def _default_plan(**kwargs):
    from tests.conftest import CONTENT, LAYOUTS

    options = BuildOptions(content_dir=CONTENT, layouts_dir=LAYOUTS, out_dir=CONTENT.parent / "unused", **kwargs)
    return options, plan(options)


def test_a_language_with_a_font_of_its_own_is_kept_to_one_worker():
    """Its documents go to a worker as one task, so only that worker loads its font; every other document is
    still handed out alone, and those are at least half the work, so the workers finish together."""
    options, jobs = _default_plan(jobs=2)
    kept = matrix.kept_languages(jobs, options, workers=2)
    families = matrix.language_fonts(options, {job.lang for job in jobs})
    assert kept
    for lang in kept:
        others = {name for other, names in families.items() if other != lang for name in names}
        assert set(families[lang]) - others   # a family only this language draws
    work = matrix.tasks(schedule(jobs, options.content_dir), kept, options.content_dir)
    assert sorted(job.relpath for task in work for job in task) == sorted(job.relpath for job in jobs)
    for lang in kept:
        holding = [task for task in work if any(job.lang == lang for job in task)]
        assert len(holding) == 1 and {job.lang for job in holding[0]} == {lang}
        assert len(holding[0]) == sum(job.lang == lang for job in jobs)
    alone = [task for task in work if task[0].lang not in kept]
    assert all(len({(job.topic, job.lang, job.level, job.layout) for job in task}) == 1 for task in alone)
    cost = lambda tasks: sum(job_cost(job, options.content_dir) for task in tasks for job in task)   # noqa: E731
    assert cost(alone) >= cost(work) / 2
    costs = [cost([task]) for task in work]
    assert costs == sorted(costs, reverse=True)


def test_no_language_is_kept_to_one_worker_when_that_would_leave_the_others_idle():
    options, jobs = _default_plan(jobs=2)
    assert matrix.kept_languages(jobs, options, workers=1) == set()
    options, jobs = _default_plan(jobs=2, langs=("zh-Hans",))   # all the work: never one worker's alone
    assert matrix.kept_languages(jobs, options, workers=2) == set()
    options, jobs = _default_plan(jobs=2, langs=("en", "zh-Hans"))   # half the work: still shared
    assert matrix.kept_languages(jobs, options, workers=2) == set()


def test_the_parent_does_not_load_the_font_of_a_language_kept_to_one_worker():
    """In a fresh process: before workers fork, the families every worker may draw are registered (they inherit
    them), a kept language's own family is not (its worker registers it when it first draws)."""
    import subprocess
    import sys

    code = """
from reportlab.pdfbase import pdfmetrics
from handouts.build import matrix
from handouts.build.matrix import BuildOptions, plan
from tests.conftest import CONTENT, LAYOUTS
options = BuildOptions(content_dir=CONTENT, layouts_dir=LAYOUTS, out_dir=CONTENT.parent / "unused", jobs=2)
jobs = plan(options)
matrix.prepare_fonts(options, jobs)
kept = matrix.kept_languages(jobs, options, 2)
families = matrix.language_fonts(options, {job.lang for job in jobs})
shared = {name for lang, names in families.items() if lang not in kept for name in names}
own = {name for lang in kept for name in families[lang]} - shared
registered = set(pdfmetrics.getRegisteredFontNames())
print(bool(own), own.isdisjoint(registered), shared <= registered)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.split() == ["True", "True", "True"]
