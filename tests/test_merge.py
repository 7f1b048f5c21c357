"""`handouts merge` and merge_pdfs: page count, one outline with each part's bookmarks nested, clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from handouts.cli import main
from handouts.post.merge import merge_pdfs
from tests.test_imposition import numbered_pdf, reading_text, struct_elements, tagging_problems


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


# ---------------------------------------------------------------------------------------------------------------
# Tagged packets


def _leaflet(lang: str, level: str) -> bytes:
    from handouts.config.layouts import load_layout
    from handouts.content.languages import load_language
    from handouts.content.reader import read_document, read_topic
    from handouts.document import template_context
    from handouts.text.fonts import FontLibrary
    from handouts.writers import render
    from tests.conftest import CONTENT, LAYOUTS

    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, lang)
    document = read_document(topic, lang, level, template_context(topic, language, None))
    return render(document, language, load_layout(LAYOUTS, "leaflet"), "a4", FontLibrary(LAYOUTS)).data


@pytest.fixture(scope="module")
def two_leaflets() -> list[tuple[str, bytes]]:
    """An English leaflet with web links (detailed) and a Spanish one."""
    return [("Back mouse (English)", _leaflet("en", "detailed")), ("Back mouse (español)", _leaflet("es", "standard"))]


def test_packet_is_tagged_and_reads_part_by_part(two_leaflets):
    packet = merge_pdfs(two_leaflets, title="Back mouse, two languages")
    assert [tagging_problems(data) for _, data in two_leaflets] == [[], []]
    assert tagging_problems(packet) == []
    # The packet reads the first leaflet, then the second: the same elements and text as each alone.
    assert reading_text(packet) == reading_text(two_leaflets[0][1]) + reading_text(two_leaflets[1][1])
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == "/Document" and int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > 0
        parts = list(document.K)
        assert [(str(p.S), str(p.T)) for p in parts] == [("/Part", name) for name, _ in two_leaflets]
        # The packet is in English; the Spanish part says it is Spanish, for a screen reader to switch voice.
        assert str(pdf.Root.Lang) == "en" and "/Lang" not in parts[0] and str(parts[1].Lang) == "es"
        assert [str(e.S) for e in struct_elements(pdf) if e.S == "/H1"] == ["/H1", "/H1"]   # each part's title
        assert pdf.docinfo.Title == "Back mouse, two languages"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "Back mouse, two languages"
        # Page keys are unique and renumbered from 0; every link keeps its OBJR and its key.
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert keys == list(range(len(pdf.pages)))
        links = [e for e in struct_elements(pdf) if e.S == "/Link"]
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots") or []]
        def kids(link):   # a Link holds its visible text (an MCR or MCID) and the annotation's OBJR
            return list(link.K) if isinstance(link.K, pikepdf.Array) else [link.K]

        assert len(links) == len(annots) > 0
        assert all(any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in kids(link))
                   for link in links)
        assert sorted(int(a.StructParent) for a in annots) == list(range(len(keys), len(keys) + len(annots)))
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)
        assert pdf.Root.MarkInfo.Marked is True and pdf.Root.ViewerPreferences.DisplayDocTitle is True
    # Bookmarks: one per part, with the part's own nested under it.
    reader = PdfReader(io.BytesIO(packet))
    tops = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
            if not isinstance(item, list)]
    first_pages = len(PdfReader(io.BytesIO(two_leaflets[0][1])).pages)
    assert tops == [(two_leaflets[0][0], 0), (two_leaflets[1][0], first_pages)]
    nested = [item for item in reader.outline if isinstance(item, list)]
    for children, (_, data), offset in zip(nested, two_leaflets, (0, first_pages)):   # each part's own, in order
        part = PdfReader(io.BytesIO(data))
        assert [(c.title, reader.get_destination_page_number(c) - offset) for c in children
                if not isinstance(c, list)] == \
            [(c.title, part.get_destination_page_number(c)) for c in part.outline if not isinstance(c, list)]
    assert len(nested) == 2
    assert packet == merge_pdfs(two_leaflets, title="Back mouse, two languages")


def test_packet_with_an_untagged_part_keeps_the_tagged_ones(two_leaflets):
    """A cover letter made elsewhere, without tags, comes along as pages; the leaflet keeps its structure."""
    packet = merge_pdfs([("Cover letter", numbered_pdf(1)), two_leaflets[1]])
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        parts = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [str(p.T) for p in parts] == [two_leaflets[1][0]]
        assert str(pdf.Root.Lang) == "en" and str(parts[0].Lang) == "es"
        assert "/StructParents" not in pdf.pages[0].obj and "/StructParents" in pdf.pages[1].obj
    assert reading_text(packet) == reading_text(two_leaflets[1][1])


def _with_cycle(data: bytes) -> bytes:
    """The tagged leaflet with its first structure element made its own child."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        first = pdf.Root.StructTreeRoot.K[0].K[0]
        first.K = pikepdf.Array([first])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_cli_part_with_a_damaged_structure_tree_is_one_line_and_writes_nothing(tmp_path: Path, two_leaflets):
    (tmp_path / "good.pdf").write_bytes(two_leaflets[1][1])
    (tmp_path / "looped.pdf").write_bytes(_with_cycle(two_leaflets[1][1]))
    result, out = _merge(tmp_path, "good.pdf", "looped.pdf")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "cycle" in lines[0] \
        and "looped.pdf" in lines[0], result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".packet")] == []


def _with_role_map(data: bytes, roles: dict[str, str]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({k: pikepdf.Name(v) for k, v in roles.items()})
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_packet_merges_the_parts_role_maps(two_leaflets):
    """Roles a part defines keep their meaning; a role both define keeps the first part's."""
    first = _with_role_map(two_leaflets[1][1], {"/Note": "/P", "/Callout": "/Div"})
    second = _with_role_map(two_leaflets[1][1], {"/Note": "/Span", "/Aside": "/Div"})
    packet = merge_pdfs([("One", first), ("Two", second)])
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        role_map = {str(k): str(v) for k, v in pdf.Root.StructTreeRoot.RoleMap.items()}
    assert role_map == {"/Aside": "/Div", "/Callout": "/Div", "/Note": "/P"}
    assert tagging_problems(packet) == []


def test_cli_says_which_parts_are_not_tagged(tmp_path: Path, two_leaflets):
    (tmp_path / "letter.pdf").write_bytes(numbered_pdf(1, title="Cover letter"))
    (tmp_path / "leaflet.pdf").write_bytes(two_leaflets[1][1])
    result, out = _merge(tmp_path, "letter.pdf", "leaflet.pdf")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Note: ")]
    assert len(notes) == 1 and "letter.pdf is not tagged" in notes[0]
    with pikepdf.open(out) as pdf:
        letter = pdf.pages[0].obj.objgen[0]
    # What is not tagged is exactly the letter's one line of text; the leaflet is tagged throughout.
    assert tagging_problems(out.read_bytes()) == [f"object {letter}: 1 text operator(s) outside marked content"]


def test_packet_of_a_leaflet_and_a_booklet_keeps_the_booklets_form_content(two_leaflets):
    """A booklet's content is in form XObjects (MCRs with /Stm): merged, those forms get new keys too."""
    from handouts.post.imposition import A4_LANDSCAPE, impose_booklet

    booklet = impose_booklet(two_leaflets[1][1], A4_LANDSCAPE)
    packet = merge_pdfs([("Leaflet", two_leaflets[0][1]), ("Booklet", booklet)])
    assert tagging_problems(packet) == []
    assert reading_text(packet) == reading_text(two_leaflets[0][1]) + reading_text(two_leaflets[1][1])
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        keys = [int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj]
        keys += [int(form.StructParents) for page in pdf.pages
                 for form in (page.Resources.get("/XObject") or {}).values() if "/StructParents" in form]
        assert len(keys) == len(set(keys))
