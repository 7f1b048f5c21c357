"""`build --shard K/N`, `build --dry-run` and `manifest merge`, end to end on the real content (back-mouse in English
and German, leaflet, both papers: 12 documents): the union of N shards is the single-machine build byte for byte,
and a merge of shards that do not make one whole plan is refused in one line with nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.build.plan import BuildOptions, plan
from handouts.build.shard import job_cost, split
from handouts.cli import main
from tests.conftest import CONTENT, LAYOUTS

MATRIX = ["--topic", "back-mouse", "--lang", "en", "--lang", "de", "--layout", "leaflet", "--jobs", "1", "-q"]
COUNTS = (1, 2, 3, 7)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (the lock and temporary files never remain), by relative path."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """The single build and, for each N, the folders of its N shards."""
    root = tmp_path_factory.mktemp("shards")
    result = run("build", *MATRIX, "--out", str(root / "single"))
    assert result.exit_code == 0, result.output
    shards = {}
    for count in COUNTS:
        shards[count] = []
        for index in range(1, count + 1):
            out = root / f"n{count}" / f"shard{index}"
            result = run("build", *MATRIX, "--shard", f"{index}/{count}", "--out", str(out))
            assert result.exit_code == 0, result.output
            shards[count].append(out)
    return {"root": root, "single": root / "single", "shards": shards}


@pytest.mark.parametrize("count", COUNTS)
def test_union_of_shards_is_the_single_build(builds, count, tmp_path):
    single = manifest(builds["single"])
    assert len(single["documents"]) == 12
    seen: list[str] = []
    for index, out in enumerate(builds["shards"][count], start=1):
        own = manifest(out)
        assert own["shard"] == f"{index}/{count}"
        assert own["plan"]["documents"] == 12 and own["plan"]["tool"] == single["generator"].split()[-1]
        assert own["plan"]["hash"] == manifest(builds["shards"][1][0])["plan"]["hash"]   # one plan, whatever N
        seen += [entry["path"] for entry in own["documents"]]
    assert sorted(seen) == sorted(entry["path"] for entry in single["documents"])   # disjoint and complete
    merged = tmp_path / "merged"
    result = run("manifest", "merge", *map(str, builds["shards"][count]), "-o", str(merged))
    assert result.exit_code == 0, result.output
    assert tree(merged) == tree(builds["single"])
    assert "shard" not in manifest(merged) and "plan" not in manifest(merged)


def test_merge_into_one_of_the_shards(builds, tmp_path):
    shards = [tmp_path / f"s{i}" for i in (1, 2)]
    for source, copy in zip(builds["shards"][2], shards):
        shutil.copytree(source, copy)
    before = tree(shards[1])
    result = run("manifest", "merge", *map(str, shards), "-o", str(shards[0]))
    assert result.exit_code == 0, result.output
    assert tree(shards[0]) == tree(builds["single"])
    assert tree(shards[1]) == before   # a shard that is not the output is only read


def test_shards_are_balanced():
    options = BuildOptions(content_dir=CONTENT, layouts_dir=LAYOUTS, out_dir=Path("unused"),
                           layouts=("leaflet", "large-print", "booklet"))
    jobs = plan(options)
    for count in (2, 3, 7):
        shares = split(jobs, count, CONTENT)
        loads = [sum(job_cost(job, CONTENT) for job in share) for share in shares]
        heaviest_job = max(job_cost(job, CONTENT) for job in jobs)
        assert max(loads) - min(loads) <= heaviest_job   # the greedy bound: no shard waits on more than one job
        assert split(list(reversed(jobs)), count, CONTENT) == [sorted(s, key=jobs[::-1].index) for s in shares]


def _refused(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line and "internal error" not in line, line
    for word in words:
        assert word in line, line
    return line


def test_merge_refuses_missing_shard(builds, tmp_path):
    out = tmp_path / "out"
    _refused(run("manifest", "merge", *map(str, builds["shards"][3][:2]), "-o", str(out)), "shard(s) 3 of 3 missing")
    assert not out.exists()


def test_merge_refuses_overlapping_shards(builds, tmp_path):
    first, second = (tmp_path / "s1", tmp_path / "s2")
    shutil.copytree(builds["shards"][2][0], first)
    shutil.copytree(builds["shards"][2][1], second)
    stolen = manifest(first)["documents"][0]
    shutil.copy(first / stolen["path"], (second / stolen["path"]).parent)
    data = manifest(second)
    data["documents"].append(stolen)
    (second / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    _refused(run("manifest", "merge", str(first), str(second), "-o", str(out)), stolen["path"], "in two shards")
    assert not out.exists()


def test_merge_refuses_a_shard_missing_a_document(builds, tmp_path):
    shards = [tmp_path / f"s{i}" for i in (1, 2)]
    for source, copy in zip(builds["shards"][2], shards):
        shutil.copytree(source, copy)
    data = manifest(shards[1])
    data["documents"].pop()
    (shards[1] / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    _refused(run("manifest", "merge", *map(str, shards), "-o", str(tmp_path / "out")),
             "hold 11 document(s), but their plan has 12")
    assert not (tmp_path / "out").exists()


def test_merge_refuses_shards_of_another_plan(builds, tmp_path):
    other = tmp_path / "english-only"
    result = run("build", "--topic", "back-mouse", "--lang", "en", "--layout", "leaflet", "--level", "easy",
                 "--jobs", "1", "-q", "--shard", "2/2", "--out", str(other))
    assert result.exit_code == 0, result.output
    _refused(run("manifest", "merge", str(builds["shards"][2][0]), str(other), "-o", str(tmp_path / "out")),
             "another plan", "plan hash")
    _refused(run("manifest", "merge", str(builds["shards"][2][0]), str(builds["shards"][3][1]),
                 "-o", str(tmp_path / "out")), "shard count")
    _refused(run("manifest", "merge", str(builds["single"]), "-o", str(tmp_path / "out")), "not a shard's manifest")
    assert not (tmp_path / "out").exists()


def test_merge_refuses_a_changed_file(builds, tmp_path):
    shards = [tmp_path / f"s{i}" for i in (1, 2)]
    for source, copy in zip(builds["shards"][2], shards):
        shutil.copytree(source, copy)
    victim = shards[0] / manifest(shards[0])["documents"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"\n")
    _refused(run("manifest", "merge", *map(str, shards), "-o", str(tmp_path / "out")), "does not match")


@pytest.mark.parametrize("value", ["0/3", "4/3", "x/y", "1/0", "3", "1/1001"])
def test_bad_shard_is_a_usage_error(value, tmp_path):
    result = run("build", *MATRIX, "--shard", value, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "--shard" in result.output and not (tmp_path / "out").exists()


def test_dry_run_prints_the_plan_without_writing(builds, tmp_path):
    out = tmp_path / "fresh"
    result = CliRunner().invoke(main, ["build", *MATRIX, "--dry-run", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    fresh = json.loads(result.stdout)
    assert not out.exists()
    assert sorted(d["path"] for d in fresh["documents"]) == sorted(e["path"] for e in manifest(builds["single"])["documents"])
    assert all(d["build"] for d in fresh["documents"])
    # 13 distinct inputs (topic.yaml, 6 level files, 2 figures.yaml, 2 language entries, the layout, fonts.yaml)
    assert fresh["input_files_read"] == 13
    assert fresh["plan"]["hash"] == manifest(builds["shards"][1][0])["plan"]["hash"]
    built = json.loads(CliRunner().invoke(
        main, ["build", *MATRIX, "--dry-run", "--json", "--out", str(builds["single"])]).stdout)
    recorded = {e["path"]: e["input_hash"] for e in manifest(builds["single"])["documents"]}
    assert {d["path"]: d["input_hash"] for d in built["documents"]} == recorded
    assert not any(d["build"] for d in built["documents"])
    shard = json.loads(CliRunner().invoke(
        main, ["build", *MATRIX, "--dry-run", "--json", "--shard", "2/3", "--out", str(out)]).stdout)
    assert shard["shard"] == "2/3"
    assert sorted(d["path"] for d in shard["documents"]) == \
        [e["path"] for e in manifest(builds["shards"][3][1])["documents"]]
