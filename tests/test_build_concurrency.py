"""Builds that are killed, that overlap, or that cannot write one folder: the manifest always matches the files.

The killed builds run as real subprocesses and get SIGKILL, which no handler sees; what they leave is read back.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from handouts.build.matrix import BuildOptions, plan, run_jobs
from handouts.cli import main
from handouts.build.locking import output_lock
from tests.conftest import CONTENT
from tests.trees import english_tree, replace_in


def add_spanish(content: Path) -> None:
    shutil.copy(CONTENT / "languages" / "es.yaml", content / "languages" / "es.yaml")
    shutil.copytree(CONTENT / "back-mouse" / "es", content / "back-mouse" / "es")


def command(content: Path, layouts: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "handouts", "build", "--content", str(content), "--layouts", str(layouts),
            "--out", str(out), "-q", *extra]


def manifest_paths(out: Path) -> list[str]:
    """Every manifest entry, after checking that its file exists with the recorded size and hash."""
    documents = json.loads((out / "manifest.json").read_text())["documents"]
    for entry in documents:
        data = (out / entry["path"]).read_bytes()
        assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
    return sorted(entry["path"] for entry in documents)


def pdfs(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its new parent to reap it has already stopped
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def processes_naming(text: str) -> list[int]:
    """Processes whose command line names `text` (forked workers keep their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline and alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status:
            found.append(int(entry.name))
    return found


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.02)


def test_sigkill_mid_build_leaves_a_true_manifest_and_no_workers(tmp_path):
    content, layouts = english_tree(tmp_path)
    out = tmp_path / "out"
    every_layout = [arg for name in ("leaflet", "large-print", "booklet") for arg in ("--layout", name)]
    proc = subprocess.Popen(command(content, layouts, out, "-j", "2", *every_layout), stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(children(proc.pid)) >= 2)
        workers = children(proc.pid)
        # two files written: the manifest written after the first must be there (the issue: PDFs, no manifest)
        wait_for(lambda: len(pdfs(out)) >= 2 or proc.poll() is not None)
        assert proc.poll() is None, "killed mid-way"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=20)
    assert processes_naming(str(out)) == []
    assert manifest_paths(out), "the manifest is written as documents finish"
    assert set(manifest_paths(out)) <= set(pdfs(out))
    # the next build finishes the job, and trusts only what it has checked
    assert subprocess.run(command(content, layouts, out, "-j", "1", *every_layout)).returncode == 0
    assert manifest_paths(out) == pdfs(out) and len(pdfs(out)) == 18


def test_sigkill_mid_rebuild_never_leaves_an_entry_that_does_not_match_its_file(tmp_path):
    content, layouts = english_tree(tmp_path)
    out = tmp_path / "out"
    assert subprocess.run(command(content, layouts, out, "-j", "1")).returncode == 0
    before = {e["path"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["documents"]}
    replace_in(content / "back-mouse" / "topic.yaml", 'version: "1.0"', 'version: "1.1"')
    replace_in(content / "back-mouse" / "topic.yaml", "published: 2026-11-24", "published: 2026-11-25")

    def rebuilt() -> list[str]:
        return [p for p, digest in before.items()
                if (out / p).exists() and hashlib.sha256((out / p).read_bytes()).hexdigest() != digest]

    proc = subprocess.Popen(command(content, layouts, out, "-j", "1"), stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: rebuilt() or proc.poll() is not None)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert 1 <= len(rebuilt()) < 6, "killed mid-way"
    manifest_paths(out)  # every entry matches its file
    again = subprocess.run(command(content, layouts, out, "-j", "1", "--json"), stdout=subprocess.PIPE)
    assert again.returncode == 0
    report = json.loads(again.stdout)
    assert len(report["built"]) + len(report["skipped"]) == 6 and len(report["built"]) >= 6 - len(rebuilt())
    assert manifest_paths(out) == pdfs(out) and len(rebuilt()) == 6


def test_two_builds_at_once_into_one_out_merge_their_manifests(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    add_spanish(content)
    out = tmp_path / "out"
    procs = [subprocess.Popen(command(content, layouts, out, "-j", "1", "--lang", lang, "--level", "easy",
                                      "--paper", "a4"), stderr=subprocess.PIPE) for lang in ("en", "es")]
    results = [(proc.wait(timeout=300), proc.stderr.read()) for proc in procs]
    assert [code for code, _ in results] == [0, 0], results
    assert manifest_paths(out) == pdfs(out) == ["back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf",
                                                "back-mouse/es/back-mouse_es_easy_leaflet_a4.pdf"]
    assert not (out / ".handouts.lock").exists()


def test_a_build_waits_a_bounded_time_for_the_lock_then_names_the_holder(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    out = tmp_path / "out"
    out.mkdir()
    started = time.monotonic()
    with output_lock(out):
        result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                           "--out", str(out), "-j", "1", "--level", "easy", "--paper", "a4"],
                                    env={**os.environ, "HANDOUTS_LOCK_TIMEOUT": "0.5"})
    assert 0.5 <= time.monotonic() - started < 30
    assert result.exit_code == 1, result.output
    assert "another build" in result.output and f"process {os.getpid()}" in result.output
    assert "internal error" not in result.output
    assert pdfs(out) == [] and not (out / "manifest.json").exists()


def test_a_write_error_in_one_folder_fails_only_its_documents(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    add_spanish(content)
    out = tmp_path / "out"
    (out / "back-mouse").mkdir(parents=True)
    (out / "back-mouse" / "es").write_text("a file where the Spanish folder would go")
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--out", str(out), "-j", "1", "--level", "easy", "--paper", "a4"])
    assert result.exit_code == 1, result.output
    assert "FAILED back-mouse/es/back-mouse_es_easy_leaflet_a4.pdf" in result.output
    assert "cannot write" in result.output and "internal error" not in result.output
    assert manifest_paths(out) == pdfs(out) == ["back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf"]


def test_a_build_that_stops_early_ends_its_workers(tmp_path):
    """--fail-fast or an exception closes the job stream: the workers end instead of rendering the rest."""
    content, layouts = english_tree(tmp_path, levels=("easy", "standard"))
    options = BuildOptions(content_dir=content, layouts_dir=layouts, out_dir=tmp_path / "out", jobs=2)
    results = run_jobs(plan(options), options)
    _, data, _, error = next(results)
    assert error is None and data.startswith(b"%PDF")
    workers = [process.pid for process in multiprocessing.active_children()]
    assert len(workers) == 2
    results.close()
    assert multiprocessing.active_children() == []
    assert not any(alive(pid) for pid in workers)


_POOL = None


def _write_half_a_result() -> None:
    """In a worker: the start of a result message (its length says 100 bytes, one follows), then wait to be
    stopped, as a worker does that is ended while it writes a document back."""
    _POOL._result_queue._writer._send(struct.pack("!i", 100) + b"x")
    time.sleep(60)


def test_stopping_the_workers_never_leaves_the_pool_thread_waiting(tmp_path):
    """A worker ended in the middle of writing its result left the pool's thread reading the rest forever, and
    the build hung at exit (Python joins that thread): after _stop_pool the thread has ended."""
    global _POOL
    from concurrent.futures import ProcessPoolExecutor

    from handouts.build.matrix import _stop_pool

    _POOL = pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    try:
        pool.submit(_write_half_a_result)
        manager = pool._executor_manager_thread
        reader = pool._result_queue._reader
        deadline = time.monotonic() + 30
        while not reader.poll(0.05) and time.monotonic() < deadline:
            pass
        time.sleep(0.2)   # the pool's thread is now in the middle of that message
        _stop_pool(pool)
        manager.join(timeout=10)
        assert not manager.is_alive()
        assert multiprocessing.active_children() == []
    finally:
        _POOL = None
