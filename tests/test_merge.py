"""`handouts merge` and merge_pdfs: page count, one outline with each part's bookmarks nested, clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from handouts.cli import main
from handouts.post.merge import merge_pdfs
from tests.test_imposition import numbered_pdf


def outline_tree(reader: PdfReader) -> list:
    """[(title, first page index, [(child title, page index), ...]), ...] for the top level."""
    tree: list = []
    for item in reader.outline:
        if isinstance(item, list):
            tree[-1][2].extend((child.title, reader.get_destination_page_number(child)) for child in item)
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
    return tree


def test_merge_nests_each_parts_bookmarks():
    letter = numbered_pdf(2, title="Cover letter", bookmarks=True)
    leaflet = numbered_pdf(3, title="Back mouse", lang="es", bookmarks=True)
    packet = merge_pdfs([("Cover letter", letter), ("Back mouse", leaflet)])
    reader = PdfReader(io.BytesIO(packet))
    assert len(reader.pages) == 5
    assert outline_tree(reader) == [
        ("Cover letter", 0, [("Cover letter page 1", 0), ("Cover letter page 2", 1)]),
        ("Back mouse", 2, [("Back mouse page 1", 2), ("Back mouse page 2", 3), ("Back mouse page 3", 4)]),
    ]
    assert [p.extract_text().strip() for p in reader.pages] == ["P1", "P2", "P1", "P2", "P3"]
    assert str(reader.trailer["/Root"]["/Lang"]) == "en"  # the first part's
    assert reader.metadata.title == "Cover letter / Back mouse"
    assert packet == merge_pdfs([("Cover letter", letter), ("Back mouse", leaflet)])
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        assert list(pdf.check_pdf_syntax()) == []


def test_merge_part_without_bookmarks_gets_a_top_entry_only():
    packet = merge_pdfs([("One", numbered_pdf(1)), ("Two", numbered_pdf(2, bookmarks=True))], title="Packet")
    reader = PdfReader(io.BytesIO(packet))
    assert [(t, p, len(c)) for t, p, c in outline_tree(reader)] == [("One", 0, 0), ("Two", 1, 2)]
    assert reader.metadata.title == "Packet"


def test_cli_merge_titles_from_metadata_or_file_name(tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(numbered_pdf(2, title="English leaflet", bookmarks=True))
    untitled = io.BytesIO()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(numbered_pdf(1))))
    writer.metadata = None
    writer.write(untitled)
    (tmp_path / "spanish-leaflet.pdf").write_bytes(untitled.getvalue())
    out = tmp_path / "out" / "packet.pdf"
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "a.pdf"), str(tmp_path / "spanish-leaflet.pdf"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    assert [t for t, _, _ in outline_tree(reader)] == ["English leaflet", "spanish-leaflet"]


def _merge(tmp_path: Path, *names: str):
    out = tmp_path / "packet.pdf"
    result = CliRunner().invoke(main, ["merge", *[str(tmp_path / n) for n in names], "-o", str(out)])
    return result, out


def test_cli_errors_name_the_file_and_write_nothing(tmp_path: Path):
    (tmp_path / "good.pdf").write_bytes(numbered_pdf(1))
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage with no objects\n")
    locked = io.BytesIO()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(numbered_pdf(1))))
    writer.encrypt("secret", algorithm="RC4-128")  # any encryption; RC4 needs no extra package
    writer.write(locked)
    (tmp_path / "locked.pdf").write_bytes(locked.getvalue())

    for name, words in [("missing.pdf", "file not found"), ("notes.txt", "not a PDF"),
                        ("broken.pdf", "not a readable PDF"), ("locked.pdf", "is encrypted")]:
        result, out = _merge(tmp_path, "good.pdf", name)
        assert result.exit_code == 1, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and name in lines[0] and words in lines[0], \
            result.output
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".packet")] == []  # no temp left


def test_cli_merge_keeps_the_old_packet_on_error(tmp_path: Path):
    (tmp_path / "good.pdf").write_bytes(numbered_pdf(1))
    (tmp_path / "packet.pdf").write_bytes(b"previous")
    result, out = _merge(tmp_path, "good.pdf", "missing.pdf")
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous"


def test_cli_merge_encrypt(tmp_path: Path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(numbered_pdf(1))
    monkeypatch.setenv("HANDOUTS_PDF_PASSWORD", "s3cret pass")
    out = tmp_path / "packet.pdf"
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "a.pdf"), "-o", str(out), "--encrypt"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert reader.decrypt("s3cret pass")
    assert reader.pages[0].extract_text().strip() == "P1"
