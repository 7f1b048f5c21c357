"""Pipelines: incremental and forced rebuilds, the JSON report, stale outputs, interruption, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from tests.pdfread import qpdf_problems
from tests.trees import english_tree, replace_in


def build(content: Path, layouts: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                     "--out", str(out), "-j", "1", "--json", *extra])


def report(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    start = result.stdout.index("{")
    return json.loads(result.stdout[start:result.stdout.rindex("}") + 1])


def test_second_build_skips_and_force_is_identical(tmp_path):
    content, layouts, out = *english_tree(tmp_path, levels=("easy", "standard")), tmp_path / "out"
    first = report(build(content, layouts, out))
    assert len(first["built"]) == 4 and first["skipped"] == []
    bytes_before = {e["path"]: (out / e["path"]).read_bytes() for e in first["built"]}
    second = report(build(content, layouts, out))
    assert second["built"] == [] and len(second["skipped"]) == 4
    forced = report(build(content, layouts, out, "--force"))
    assert len(forced["built"]) == 4
    for path, data in bytes_before.items():
        assert (out / path).read_bytes() == data


def test_changed_content_rebuilds_only_that_document(tmp_path):
    content, layouts, out = *english_tree(tmp_path, levels=("easy", "standard")), tmp_path / "out"
    report(build(content, layouts, out))
    replace_in(content / "back-mouse/en/easy.md", "Anyone can get", "Anybody can get")
    again = report(build(content, layouts, out))
    assert sorted(e["level"] for e in again["built"]) == ["easy", "easy"]
    assert len(again["skipped"]) == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert all("input_hash" in e for e in manifest["documents"])


def test_a_forced_rebuild_of_the_same_bytes_rewrites_no_manifest(tmp_path, monkeypatch):
    """Each manifest write is made durable: a rebuild that makes the same PDF writes only the PDF (its entry is
    true before, during and after), one that changes it drops the entry first and records it again after."""
    from handouts.build import matrix

    content, layouts, out = *english_tree(tmp_path, levels=("easy",)), tmp_path / "out"
    one = ("--paper", "a4")
    report(build(content, layouts, out, *one))
    manifest = out / "manifest.json"
    before = manifest.read_bytes(), manifest.stat().st_ino
    written: list[str] = []
    real = matrix.atomic_write
    monkeypatch.setattr(matrix, "atomic_write", lambda path, data: written.append(path.name) or real(path, data))
    forced = report(build(content, layouts, out, *one, "--force"))
    assert len(forced["built"]) == 1 and written == ["back-mouse_en_easy_leaflet_a4.pdf"]
    assert (manifest.read_bytes(), manifest.stat().st_ino) == before
    replace_in(content / "back-mouse/en/easy.md", "Anyone can get", "Anybody can get")
    written.clear()
    changed = report(build(content, layouts, out, *one))
    assert written == ["manifest.json", "back-mouse_en_easy_leaflet_a4.pdf", "manifest.json"]
    (entry,) = json.loads(manifest.read_text())["documents"]
    assert entry["sha256"] == changed["built"][0]["sha256"] != forced["built"][0]["sha256"]


def test_stale_outputs_reported_and_pruned(tmp_path):
    content, layouts, out = *english_tree(tmp_path, levels=("easy", "standard")), tmp_path / "out"
    report(build(content, layouts, out))
    (content / "back-mouse/en/easy.md").unlink()
    stale = report(build(content, layouts, out))
    assert sorted(stale["stale"]) == ["back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf",
                                      "back-mouse/en/back-mouse_en_easy_leaflet_letter.pdf"]
    assert (out / stale["stale"][0]).exists()
    pruned = report(build(content, layouts, out, "--prune"))
    assert sorted(pruned["pruned"]) == sorted(stale["stale"])
    assert not (out / stale["stale"][0]).exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["documents"]) == 2


def test_failure_still_builds_others_and_exits_1(tmp_path):
    content, layouts, out = *english_tree(tmp_path, levels=("easy", "standard")), tmp_path / "out"
    replace_in(content / "back-mouse/en/easy.md", "{#causes}", "{#cause}")
    result = build(content, layouts, out)
    assert result.exit_code == 1
    data = report(result)
    assert len(data["built"]) == 2 and len(data["failed"]) == 2
    assert "easy.md" in data["failed"][0]["error"]
    assert "FAILED back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf" in result.output


def test_parallel_build_matches_serial(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy", "standard"))
    report(build(content, layouts, tmp_path / "serial"))
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                       "--out", str(tmp_path / "parallel"), "-j", "2", "-q"])
    assert result.exit_code == 0, result.output
    for pdf in (tmp_path / "serial").rglob("*.pdf"):
        twin = tmp_path / "parallel" / pdf.relative_to(tmp_path / "serial")
        assert twin.read_bytes() == pdf.read_bytes()


@pytest.mark.parametrize("stop, code, said, jobs", [(signal.SIGINT, 130, b"interrupted", "1"),
                                                     (signal.SIGTERM, 143, b"stopped (SIGTERM)", "2")])
def test_interrupted_build_leaves_only_complete_files(tmp_path, stop, code, said, jobs):
    """Ctrl-C or SIGTERM (a cancelled CI job) in the middle of a build: every PDF left opens, the manifest names
    only such files, the lock file is gone, and the exit code says which signal stopped it."""
    content, layouts = english_tree(tmp_path)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--content", str(content), "--layouts",
                             str(layouts), "--out", str(out), "-j", jobs, "--verbose"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.rglob("*.pdf")):
        time.sleep(0.05)
    proc.send_signal(stop)
    _, err = proc.communicate(timeout=60)
    if proc.returncode != 0 or len(list(out.rglob("*.pdf"))) < 6:
        # a signal that lands as the process exits ends it the POSIX way, which a shell also reports as 128 + N
        assert proc.returncode in (code, -stop), err
        assert said in err or proc.returncode == -stop, err
    assert b"Traceback" not in err
    leftovers = [p for p in out.rglob("*") if p.is_file() and p.suffix not in (".pdf", ".json")]
    assert leftovers == []
    for pdf in out.rglob("*.pdf"):
        assert qpdf_problems(pdf) == []
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["documents"]:
        assert len(PdfReader(out / entry["path"]).pages) == entry["pages"]
    deadline = time.time() + 20   # the build stops its workers before it exits; a loaded machine may be slow
    while (workers := [p for p in Path("/proc").iterdir() if p.name.isdigit() and _names(p, str(out))]) \
            and time.time() < deadline:
        time.sleep(0.05)
    assert workers == []


def _names(process: Path, text: str) -> bool:
    try:
        return text in (process / "cmdline").read_bytes().decode(errors="replace") and \
            (process / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_list_and_version():
    runner = CliRunner()
    listing = runner.invoke(main, ["list"])
    assert listing.exit_code == 0
    assert "back-mouse" in listing.output and "leaflet" in listing.output and "en:" in listing.output
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and "handouts, version" in version.output


def test_figures_gallery_command(tmp_path):
    result = CliRunner().invoke(main, ["figures", "--topic", "back-mouse", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    from handouts.figures import FIGURE_IDS

    assert {p.stem for p in tmp_path.glob("*.pdf")} >= set(FIGURE_IDS)


def test_numbered_list_in_a_box_keeps_counting(tmp_path):
    """Boxes are cut into one row per list item so they can split; the numbers must still run 1, 2, 3, 4."""
    content, layouts = english_tree(tmp_path, levels=("standard",))
    path = content / "back-mouse/en/standard.md"
    for bullet, number in (("- Most people", "1. Most people"), ("- An injection", "2. An injection"),
                           ("- Surgery is", "3. Surgery is"), ("- Every treatment", "4. Every treatment")):
        replace_in(path, bullet, number)
    out = tmp_path / "out"
    report(build(content, layouts, out, "--paper", "a4"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(next(out.rglob("*.pdf"))).pages).split())
    for number, words in ((2, "An injection"), (3, "Surgery is"), (4, "Every treatment")):
        assert f"{number}. {words}" in text or f"{number}.{words}" in text, words


def test_a_font_packages_installed_version_is_an_input(tmp_path, monkeypatch):
    """An upgraded font package rebuilds every document; its version is read as importlib.metadata reads it."""
    from importlib.metadata import version

    from handouts.build import inputs

    _, layouts = english_tree(tmp_path, levels=("easy",))
    assert inputs._package_version("fontpkg_noto_sans") == version("fontpkg-noto-sans")
    assert inputs._package_version("no_such_font_package") == "absent"
    before = inputs._fonts_fingerprint.__wrapped__(layouts)
    real = inputs._package_version
    monkeypatch.setattr(inputs, "_package_version",
                        lambda package: "99.0" if package == "fontpkg_noto_sans" else real(package))
    assert inputs._fonts_fingerprint.__wrapped__(layouts) != before


def test_an_interrupt_during_a_write_waits_for_the_rename(tmp_path, monkeypatch):
    """Ctrl-C while a file is being written (CI once caught it between `mkstemp` and the clean-up): the file is
    completed and renamed first, then the interrupt arrives; no temporary file is left."""
    from handouts.build import matrix

    real_fsync = os.fsync

    def fsync_then_interrupt(fd):
        signal.raise_signal(signal.SIGINT)
        real_fsync(fd)

    monkeypatch.setattr(matrix.os, "fsync", fsync_then_interrupt)
    target = tmp_path / "manifest.json"
    with pytest.raises(KeyboardInterrupt):
        matrix.atomic_write(target, b"complete\n")
    assert target.read_bytes() == b"complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_process_forked_during_a_build_ends_on_sigterm_at_once():
    """The build raises Terminated on SIGTERM to clean up; its workers must not inherit that: one stopped before
    its first job printed the exception's traceback, one in a job raised it into the job."""
    from handouts.interrupts import sigterm_raises

    with sigterm_raises():
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:   # the child: say which handler it has, then wait to be stopped
            os.write(write, b"default" if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL else b"inherited")
            time.sleep(30)
            os._exit(0)
        said = os.read(read, 20)
        os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
    assert said == b"default" and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL   # and the build's handler is gone after it
