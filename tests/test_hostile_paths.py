"""Paths that come from data (a manifest, a content tree, a layout, a clinic profile) stay inside their root.

Each case plants a file that points outside -- an absolute path, `../`, a symlink -- and checks that the build
refuses it in one line without touching the outside file, or, for a malformed manifest, builds anyway.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from handouts.cli import main
from tests.trees import english_tree


def run(content: Path, layouts: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "--content", str(content), "--layouts", str(layouts),
                                     "--out", str(out), "-j", "1", "--level", "easy", "--paper", "a4", *extra])


def one_clean_line(result) -> str:
    """The error a user sees: exit 1, no traceback and no 'internal error'."""
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output
    return result.output


def plant_manifest(out: Path, *paths: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    documents = [{"path": p, "bytes": 6, "sha256": "0" * 64} for p in paths]
    (out / "manifest.json").write_text(json.dumps({"generator": "x", "documents": documents}))


@pytest.fixture
def tree(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    victim = tmp_path / "victim" / "keep.pdf"
    victim.parent.mkdir()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(victim)
    return content, layouts, tmp_path / "out", victim


@pytest.mark.parametrize("kind", ["absolute", "dotdot"])
def test_prune_never_removes_a_planted_path_outside_out(tree, kind):
    content, layouts, out, victim = tree
    plant_manifest(out, str(victim) if kind == "absolute" else "../victim/keep.pdf")
    output = one_clean_line(run(content, layouts, out, "--prune"))
    assert "manifest.json" in output and "outside" in output
    assert len(PdfReader(victim).pages) == 1
    assert not list(out.rglob("*.pdf")), "refused before any work"


@pytest.mark.parametrize("link", ["file", "folder"])
def test_prune_never_follows_a_symlink_out_of_out(tree, link):
    content, layouts, out, victim = tree
    out.mkdir()
    if link == "file":
        (out / "gone.pdf").symlink_to(victim)
        relpath = "gone.pdf"
    else:
        (out / "gone").symlink_to(victim.parent, target_is_directory=True)
        relpath = "gone/keep.pdf"
    plant_manifest(out, relpath)
    output = one_clean_line(run(content, layouts, out, "--prune"))
    assert relpath in output
    assert len(PdfReader(victim).pages) == 1


def test_manifest_entry_must_name_a_leaflet_file(tree):
    """An entry naming the build's own state (or any non-leaflet file) could make --prune delete it."""
    content, layouts, out, _ = tree
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "keep.txt").write_text("mine")
    plant_manifest(out, "notes/keep.txt")
    one_clean_line(run(content, layouts, out, "--prune"))
    assert (out / "notes" / "keep.txt").read_text() == "mine"


def test_a_manifest_symlinked_out_of_out_is_not_read(tree, tmp_path):
    content, layouts, out, _ = tree
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps({"documents": []}))
    out.mkdir()
    (out / "manifest.json").symlink_to(outside)
    output = one_clean_line(run(content, layouts, out))
    assert "manifest" in output and "outside" in output
    assert json.loads(outside.read_text()) == {"documents": []}


def test_a_manifest_that_is_a_folder_is_one_clear_error(tree):
    content, layouts, out, _ = tree
    (out / "manifest.json").mkdir(parents=True)
    output = one_clean_line(run(content, layouts, out))
    assert "manifest.json" in output and "folder" in output
    assert len(output.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"documents": 3}', '{"documents": ["x", {"p": 1}]}'])
def test_a_malformed_manifest_is_read_as_empty_with_a_warning(tree, text):
    content, layouts, out, _ = tree
    out.mkdir()
    (out / "manifest.json").write_text(text)
    result = run(content, layouts, out)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "manifest.json" in result.output
    documents = json.loads((out / "manifest.json").read_text())["documents"]
    assert [d["path"] for d in documents] == ["back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf"]


def test_a_topic_folder_symlinked_out_of_the_content_tree_is_refused(tree, tmp_path):
    content, layouts, out, _ = tree
    (content / "back-mouse").rename(tmp_path / "shared-topic")
    (content / "back-mouse").symlink_to(tmp_path / "shared-topic", target_is_directory=True)
    output = one_clean_line(run(content, layouts, out))
    assert "outside" in output and "topic" in output
    assert not out.exists() or not list(out.rglob("*.pdf"))


def test_a_level_file_symlinked_out_of_the_content_tree_fails_that_document(tree, tmp_path):
    content, layouts, out, _ = tree
    level = content / "back-mouse" / "en" / "easy.md"
    level.rename(tmp_path / "easy.md")
    level.symlink_to(tmp_path / "easy.md")
    output = one_clean_line(run(content, layouts, out))
    assert "FAILED back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf" in output and "outside" in output
    assert not list(out.rglob("*.pdf"))


def test_a_language_entry_symlinked_out_of_the_content_tree_is_refused(tree, tmp_path):
    content, layouts, out, _ = tree
    entry = content / "languages" / "en.yaml"
    entry.rename(tmp_path / "en.yaml")
    entry.symlink_to(tmp_path / "en.yaml")
    output = one_clean_line(run(content, layouts, out))
    assert "en.yaml" in output and "outside" in output
    assert not list(out.rglob("*.pdf"))


def test_a_layout_symlinked_out_of_the_layouts_tree_is_refused(tree, tmp_path):
    content, layouts, out, _ = tree
    layout = layouts / "leaflet.yaml"
    layout.rename(tmp_path / "leaflet.yaml")
    layout.symlink_to(tmp_path / "leaflet.yaml")
    output = one_clean_line(run(content, layouts, out))
    assert "leaflet.yaml" in output and "outside" in output


def test_an_output_folder_symlinked_out_of_out_is_not_written_through(tree, tmp_path):
    content, layouts, out, _ = tree
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "back-mouse").symlink_to(elsewhere, target_is_directory=True)
    output = one_clean_line(run(content, layouts, out))
    assert "FAILED back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf" in output and "outside" in output
    assert list(elsewhere.rglob("*")) == []


@pytest.mark.parametrize("logo", ["../logo.png", "ABSOLUTE", "link.png"])
def test_a_clinic_logo_outside_the_profile_folder_is_refused(tree, tmp_path, logo):
    from tests.test_branding import png

    content, layouts, out, _ = tree
    (tmp_path / "logo.png").write_bytes(png(60, 30))
    profile_dir = tmp_path / "clinic"
    profile_dir.mkdir()
    if logo == "ABSOLUTE":
        logo = str(tmp_path / "logo.png")
    elif logo == "link.png":
        (profile_dir / "link.png").symlink_to(tmp_path / "logo.png")
    (profile_dir / "clinic.yaml").write_text(f"name: Test Clinic\nlogo: {logo}\n")
    output = one_clean_line(run(content, layouts, out, "--clinic", str(profile_dir / "clinic.yaml")))
    assert "clinic.yaml" in output and "logo" in output and "outside" in output
