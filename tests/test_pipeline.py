"""The built English leaflets, read back: pages, text in order, fonts, metadata, outlines, manifest."""

from __future__ import annotations

import hashlib
import os
import json

import pikepdf
import pytest
from pypdf import PdfReader

from handouts.content.reader import read_document, read_topic
from handouts.content.languages import load_language
from handouts.document import template_context
from tests.conftest import CONTENT, build_into
from tests.pdfread import fonts, normalized, outline_titles

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def _doc(level: str):
    topic = read_topic(CONTENT, "back-mouse")
    return read_document(topic, "en", level, template_context(topic, load_language(CONTENT, "en"), None))


@pytest.mark.parametrize("level", ["easy", "standard", "detailed"])
@pytest.mark.parametrize("paper,size", [("a4", A4), ("letter", LETTER)])
def test_pages_and_size(english, level, paper, size):
    reader = PdfReader(english / f"back-mouse/en/back-mouse_en_{level}_leaflet_{paper}.pdf")
    assert len(reader.pages) >= 4
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(size[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(size[1], abs=0.5)


@pytest.mark.parametrize("level", ["easy", "standard", "detailed"])
def test_section_headings_in_order(english, level):
    text = normalized(english / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf")
    document = _doc(level)
    position = 0
    for section in document.sections:
        found = text.find(" ".join(section.title.split()), position)
        assert found >= 0, f"heading {section.title!r} missing or out of order"
        position = found
    assert [s.id for s in document.sections] == list(document.topic.section_ids)


def test_body_text_extractable(standard_a4):
    text = normalized(standard_a4)
    for phrase in ("A back mouse is a small lump under the skin", "fascia", "benign",
                   "Pain Physician", "Next review"):
        assert phrase in text


def test_fonts_embedded_and_subset(english):
    for pdf in sorted(english.rglob("*.pdf")):
        found = fonts(pdf)
        assert found, pdf
        for name, info in found.items():
            assert info["embedded"] and info["subset"], f"{pdf.name}: {name} {info}"
        assert not any("Helvetica" in name for name in found)


def test_metadata_and_language(standard_a4):
    reader = PdfReader(standard_a4)
    meta = reader.metadata
    assert meta.title.startswith("Back mouse")
    assert meta.author
    assert "standard" in meta.subject
    assert "episacral lipoma" in meta["/Keywords"]
    assert meta["/Creator"].startswith("handouts ")
    assert meta["/CreationDate"].startswith("D:20261124")  # the topic's publication date, not today
    with pikepdf.open(standard_a4) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.PageMode) == "/UseOutlines"
        xmp = pdf.open_metadata()
        assert xmp.get("dc:title") == meta.title
        assert xmp.get("dc:language") == {"en"}
        assert xmp.get("xmp:CreateDate", "").startswith("2026-11-24")


def test_outlines_for_every_section(standard_a4):
    titles = outline_titles(standard_a4)
    for section in _doc("standard").sections:
        assert section.title in titles


def test_live_links(english):
    uris = []
    for page in PdfReader(english / "back-mouse/en/back-mouse_en_detailed_leaflet_a4.pdf").pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert any(uri.startswith("https://pubmed.ncbi.nlm.nih.gov/") for uri in uris), uris


def test_manifest_matches_files(english):
    manifest = json.loads((english / "manifest.json").read_text())
    paths = {entry["path"] for entry in manifest["documents"]}
    assert len(paths) == 6
    for entry in manifest["documents"]:
        data = (english / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
        assert entry["pages"] == len(PdfReader(english / entry["path"]).pages)
        assert {entry["topic"], entry["lang"], entry["layout"]} == {"back-mouse", "en", "leaflet"}


def test_rebuild_is_byte_identical(english, tmp_path):
    second = build_into(tmp_path, topics=("back-mouse",), langs=("en",), levels=("standard",), papers=("a4",))
    (path, entry), = second.items()
    assert (tmp_path / path).read_bytes() == (english / path).read_bytes()


def test_source_date_epoch_sets_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    built = build_into(tmp_path, topics=("back-mouse",), langs=("en",), levels=("easy",), papers=("letter",))
    (path,) = built
    assert PdfReader(tmp_path / path).metadata["/CreationDate"].startswith("D:20231114")


def test_a_shaped_leaflet_is_the_same_whatever_the_process_drew_before(tmp_path):
    """Glyphs with no character of their own (Devanagari conjuncts) get private-use codes; they must not depend
    on the order documents were drawn in, or a parallel rebuild differs from the build before it."""
    import subprocess
    import sys

    def build(out, *levels):
        args = [sys.executable, "-m", "handouts", "build", "--topic", "back-mouse", "--lang", "hi", "--paper", "a4",
                "-j", "1", "-q", "--out", str(out)]
        for level in levels:
            args += ["--level", level]
        subprocess.run(args, check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
        return (out / "back-mouse/hi/back-mouse_hi_standard_leaflet_a4.pdf").read_bytes()

    assert build(tmp_path / "alone", "standard") == build(tmp_path / "after-easy", "easy", "standard")
