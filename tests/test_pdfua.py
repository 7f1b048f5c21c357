"""PDF/UA-1 (handouts.check.pdfua): the checker fails on defects planted in a good leaflet with pikepdf, and
passes on every single-document PDF the tool builds: every layout, every language, branded, personalised
(with a note, and an exercise plan), encrypted, grayscale, bled. Booklets and merge packets wait for their tagging (branch tag16)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from handouts.check.pdfua import check_pdf, check_paths, open_pdf, tounicode_zero_codes
from handouts.cli import main
from handouts.config.clinic import load_clinic
from handouts.content import model
from handouts.pdf.finishing import Finish, FinishingCanvas
from tests.conftest import build_into
from tests.test_branding import PROFILE, png
from tests.test_exercise_plans import write_plan
from tests.test_html import heading_levels, page, parse
from tests.test_tagging import _doc, element_text, mcid_texts, walk

PASSWORD = "correct horse"


def conditions(path: Path, password: str | None = None) -> set[str]:
    with open_pdf(path, password) as pdf:
        return {finding.condition for finding in check_pdf(pdf)}


def findings(path: Path, password: str | None = None) -> list[str]:
    with open_pdf(path, password) as pdf:
        return [finding.line(path) for finding in check_pdf(pdf)]


# ---------------------------------------------------------------------------------------------------------------
# Every kind of single document the tool builds, built once


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> list[Path]:
    """One of each kind; the session's English leaflets (conftest `english`) are checked too."""
    base = tmp_path_factory.mktemp("pdfua")
    (base / "logo.png").write_bytes(png(60, 30))
    profile = base / "clinic.yaml"
    profile.write_text(PROFILE + "logo: logo.png\n")
    one = dict(levels=("standard",), papers=("a4",))
    build_into(base / "languages", topics=("back-mouse",), **one)                       # every language
    build_into(base / "layouts", topics=("back-mouse",), langs=("en", "ar", "hi"),
               layouts=("large-print", "trifold"), **one)                                # every page layout
    build_into(base / "aftercare", topics=("back-mouse-aftercare",), langs=("en",), levels=("easy",),
               papers=("letter",))
    build_into(base / "branded", topics=("back-mouse",), langs=("en", "ar"), layouts=("leaflet", "trifold"),
               clinic=load_clinic(profile), **one)
    build_into(base / "gray", topics=("back-mouse",), langs=("en",), grayscale=True, **one)
    build_into(base / "bleed", topics=("back-mouse",), langs=("en",), bleed=3 * 72 / 25.4, **one)
    runner = CliRunner()
    for name, extra, env in (("personal", ["--note", "Heat 15 min, twice a day\nWalk daily"], {}),
                             ("encrypted", ["--encrypt"], {"HANDOUTS_PDF_PASSWORD": PASSWORD})):
        result = runner.invoke(main, ["build", "--topic", "back-mouse", "--lang", "es", "--level", "easy",
                                      "--patient", "Ana López", "--clinician", "J. Smith, PT", *extra,
                                      "--out", str(base / name)], env=env)
        assert result.exit_code == 0, result.output
    (base / "plan-source").mkdir()
    result = runner.invoke(main, ["build", "--plan", str(write_plan(base / "plan-source")),
                                  "--out", str(base / "plan")])   # a physiotherapist's copy with exercises
    assert result.exit_code == 0, result.output
    return sorted(base.rglob("*.pdf"))


def test_every_single_document_passes(built, english):
    files = built + sorted(english.rglob("*.pdf"))
    kinds = {part for p in built for part in p.parts}
    assert {"languages", "layouts", "aftercare", "branded", "gray", "bleed", "personal", "encrypted",
            "plan"} <= kinds
    assert len(files) >= 30
    problems = [line for path in files for line in findings(path, PASSWORD if "encrypted" in path.parts[-2]
                                                             else None)]
    assert problems == []


def test_every_layout_and_language_was_checked(built):
    names = " ".join(p.name for p in built)
    for layout in ("leaflet", "large-print", "trifold"):
        assert f"_{layout}_" in names
    for lang in ("en", "es", "fr", "de", "pt", "ar", "hi", "zh-Hans", "vi"):
        assert f"back-mouse_{lang}_" in names


def test_booklets_and_merge_packets_pass(tmp_path, english):
    """Imposed sheets (each page a form XObject with its marked content) and merged packets, in a left-to-right
    and a right-to-left language, pass like the leaflets they are made of."""
    build_into(tmp_path, topics=("back-mouse",), langs=("en", "ar"), levels=("standard",), papers=("a4",),
               layouts=("booklet",))
    booklets = sorted(tmp_path.rglob("*booklet*.pdf"))
    assert len(booklets) == 2
    packet = tmp_path / "packet.pdf"
    parts = [str(p) for p in sorted(english.rglob("*_a4.pdf"))[:2]] + [str(booklets[0])]
    result = CliRunner().invoke(main, ["merge", *parts, "-o", str(packet)])
    assert result.exit_code == 0, result.output
    assert [line for path in [*booklets, packet] for line in findings(path)] == []


def test_a_packet_with_an_untagged_part_makes_no_claim(tmp_path, english):
    """Only a file that meets PDF/UA-1 says so: a packet carrying an untagged part has no pdfuaid claim."""
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(72, 72, "untagged")
    canvas.save()
    packet = tmp_path / "packet.pdf"
    leaflet = sorted(english.rglob("*_a4.pdf"))[0]
    result = CliRunner().invoke(main, ["merge", str(leaflet), str(plain), "-o", str(packet)])
    assert result.exit_code == 0, result.output
    with pikepdf.open(packet) as pdf:
        assert b"pdfuaid" not in pdf.Root.Metadata.read_bytes()


def test_untagged_output_makes_no_claim(monkeypatch):
    """The PDF/UA claim and the 1.7 version are written for tagged files only: a file finished as a leaflet is
    (dates, XMP) but drawn without a tagger."""
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    buffer = io.BytesIO()
    canvas = FinishingCanvas(buffer)
    canvas.finish = Finish.of(dt.date(2024, 1, 1))
    canvas.drawString(72, 72, "untagged")
    canvas.save()
    finished = buffer.getvalue()
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        assert pdf.docinfo.CreationDate == "D:20240101000000+00'00'"
        assert b"pdfuaid" not in pdf.Root.Metadata.read_bytes()
        assert pdf.pdf_version < "1.7" and "/Version" not in pdf.Root
        found = {f.condition for f in check_pdf(pdf)}
    assert {"not-tagged", "pdfua-claim", "version", "marked"} <= found


# ---------------------------------------------------------------------------------------------------------------
# What the fixes put in the leaflets


def test_claim_and_version(standard_a4):
    with pikepdf.open(standard_a4) as pdf:
        assert pdf.pdf_version == "1.7" and pdf.Root.Version == "/1.7"
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert 'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"' in xmp


def test_tounicode_maps_nothing_to_zero(english):
    for path in sorted(english.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            for page_ in pdf.pages:
                for _, font in page_.Resources.Font.items():
                    cmap = font.ToUnicode.read_bytes()
                    assert tounicode_zero_codes(cmap) == [], (path.name, str(font.BaseFont))
                    counts = [int(n) for n in re.findall(rb"(\d+) beginbfchar", cmap)]
                    assert counts and max(counts) <= 100
                    # each block's count is the number of entries it holds
                    for count, block in zip(counts, re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)):
                        assert count == len(re.findall(rb"<[0-9A-F]+>\s*<[0-9A-F]+>", block))


def test_links_hold_their_visible_text(english):
    """Each Link element's marked content is the text drawn in its annotation's rectangle: here a URL or an
    identifier that is part of the address it opens."""
    path = english / "back-mouse/en/back-mouse_en_detailed_leaflet_a4.pdf"
    texts = mcid_texts(path)
    with pikepdf.open(path) as pdf:
        links = [e for e in walk(pdf) if e.S == "/Link"]
        assert links
        for link in links:
            kids = list(link.K) if isinstance(link.K, pikepdf.Array) else [link.K]
            objrs = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            uri = str(objrs[0].Obj.A.URI)
            shown = _shown_text(pdf, link)
            assert shown and "".join(shown.split()) in uri, (shown, uri)
            assert link.P.S == "/P"   # inside the paragraph that reads it
        assert texts   # the paragraphs keep their own text


def _shown_text(pdf: pikepdf.Pdf, element) -> str:
    """The strings drawn in an element's marked content, read with pikepdf (reportlab's first subset of a
    font keeps ASCII codes, which is all a URL needs)."""
    page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}[element.Pg.objgen]
    kids = list(element.K) if isinstance(element.K, pikepdf.Array) else [element.K]
    wanted = {int(k) for k in kids if isinstance(k, int)}
    out, stack = [], []
    for op in pikepdf.parse_content_stream(pdf.pages[page_index]):
        name = str(op.operator)
        if name == "BDC":
            props = op.operands[1]
            stack.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None)
        elif name == "BMC":
            stack.append(None)
        elif name == "EMC":
            stack.pop()
        elif name in ("Tj", "TJ") and any(m in wanted for m in stack if m is not None):
            items = list(op.operands[0]) if name == "TJ" else [op.operands[0]]
            out += [bytes(i).decode("latin-1") for i in items if isinstance(i, pikepdf.String)]
    return "".join(out)


@pytest.mark.parametrize("level", ["standard", "detailed"])
def test_box_titles_are_headings_at_the_html_twins_level(english, level):
    path = english / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf"
    document = _doc("en", level)
    titles = {block.title for section in document.sections for block in section.blocks
              if isinstance(block, model.Box) and block.title}
    assert {"Key facts", "Warning signs"} <= titles
    texts = mcid_texts(path)
    with pikepdf.open(path) as pdf:
        in_pdf = [(int(str(e.S)[2]), element_text(pdf, e, texts)) for e in walk(pdf)
                  if re.fullmatch(r"/H[1-6]", str(e.S)) and element_text(pdf, e, texts) in titles]
    in_html = [(n, text) for n, text in heading_levels(parse(page(level=level))) if text in titles]
    assert sorted(t for _, t in in_pdf) == sorted(titles)
    assert in_pdf == in_html
    if level == "detailed":   # "Weighing up the options" sits under the subheading "Surgery" (H3)
        assert (4, "Weighing up the options") in in_pdf


# ---------------------------------------------------------------------------------------------------------------
# Planted defects, each made by editing a good PDF


@pytest.fixture
def good(tmp_path, english) -> Path:
    """The detailed English leaflet (it has links), copied: a defect is planted into the copy."""
    path = tmp_path / "good.pdf"
    shutil.copy(english / "back-mouse/en/back-mouse_en_detailed_leaflet_a4.pdf", path)
    assert conditions(path) == set()
    return path


def plant(path: Path, edit) -> Path:
    out = path.with_name("planted.pdf")
    with pikepdf.open(path) as pdf:
        edit(pdf)
        pdf.save(out)
    return out


def _elements(pdf, role: str) -> list:
    return [e for e in walk(pdf) if e.S == role]


def test_untagged_text(good):
    def edit(pdf):
        page_ = pdf.pages[0]
        font = next(iter(page_.Resources.Font.keys()))
        page_.contents_add(pdf.make_stream(f"BT {font} 10 Tf 72 72 Td (x) Tj ET".encode()), prepend=False)
    result = findings(plant(good, edit))
    assert any("untagged-content" in line and "page 1" in line and "Tj" in line for line in result)


def test_untagged_paint_in_a_form_xobject(good):
    def edit(pdf):
        form = pdf.make_stream(b"0 0 10 10 re f")
        form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
        pdf.pages[1].Resources.XObject["/Planted"] = form
        pdf.pages[1].contents_add(pdf.make_stream(b"q /Planted Do Q"), prepend=False)
    result = findings(plant(good, edit))
    assert any("untagged-content" in line and "form /Planted" in line and "page 2" in line for line in result)


def test_parent_tree_entry_removed(good):
    def edit(pdf):
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        nums[1][0] = pikepdf.Object.parse(b"null")
    assert "parent-tree" in conditions(plant(good, edit))


def test_parent_tree_entry_wrong(good):
    def edit(pdf):
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        nums[1][0] = nums[1][1]   # MCID 0 of page 1 said to belong to MCID 1's element
    result = findings(plant(good, edit))
    assert any("parent-tree" in line and "MCID 0" in line for line in result)


def test_mcid_no_element_references(good):
    def edit(pdf):
        first = _elements(pdf, "/H1")[0]
        first.K = pikepdf.Array([])
    assert {"mcid-unreferenced", "parent-tree"} <= conditions(plant(good, edit))


def test_figure_without_alt(good):
    def edit(pdf):
        del _elements(pdf, "/Figure")[0].Alt
    result = findings(plant(good, edit))
    assert [line for line in result if "figure-alt" in line] and len(result) == 1


def test_skipped_heading_level(good):
    def edit(pdf):
        _elements(pdf, "/H3")[0].S = pikepdf.Name("/H4")   # H2, then H4
    result = findings(plant(good, edit))
    assert len(result) == 1 and "heading-skip" in result[0] and "H3 skipped" in result[0]


def test_first_heading_not_h1(good):
    def edit(pdf):
        _elements(pdf, "/H1")[0].S = pikepdf.Name("/P")
    assert conditions(plant(good, edit)) == {"heading-first"}


def test_list_item_outside_a_list(good):
    def edit(pdf):
        _elements(pdf, "/L")[0].S = pikepdf.Name("/Div")
    assert conditions(plant(good, edit)) == {"list-structure"}


def test_link_without_text(good):
    def edit(pdf):
        link = _elements(pdf, "/Link")[0]
        link.K = next(k for k in link.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR")
    assert {"link-text", "mcid-unreferenced"} <= conditions(plant(good, edit))


def test_link_annotation_without_link_element(good):
    def edit(pdf):
        link = _elements(pdf, "/Link")[0]
        link.K = pikepdf.Array([k for k in link.K if isinstance(k, int)])
    assert "link-objr" in conditions(plant(good, edit))


def test_annotation_without_contents_and_tabs(good):
    def edit(pdf):
        page_ = next(p for p in pdf.pages if "/Annots" in p.obj)
        del page_.obj.Annots[0].Contents
        del page_.obj.Tabs
    assert conditions(plant(good, edit)) == {"annot-contents", "tabs"}


def test_tounicode_entry_to_zero(good):
    planted_code = []

    def edit(pdf):
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        cmap = font.ToUnicode.read_bytes()
        first = re.search(rb"beginbfchar\s*<([0-9A-F]+)> <[0-9A-F]+>", cmap)
        planted_code.append(first.group(1).decode())
        font.ToUnicode.write(cmap[:first.start()] + b"beginbfchar\n<%s> <0000>" % first.group(1) + cmap[first.end():])
    result = findings(plant(good, edit))
    assert len(result) == 1 and "tounicode-zero" in result[0] and f"code(s) {planted_code[0]} " in result[0]


def test_missing_pdfua_claim(good):
    def edit(pdf):
        xmp = pdf.Root.Metadata.read_bytes()
        pdf.Root.Metadata.write(xmp.replace(b"<pdfuaid:part>1</pdfuaid:part>", b""))
    assert conditions(plant(good, edit)) == {"pdfua-claim"}


def test_missing_title_lang_and_display_title(good):
    def edit(pdf):
        xmp = pdf.Root.Metadata.read_bytes()
        pdf.Root.Metadata.write(re.sub(rb"<dc:title>.*?</dc:title>", b"", xmp, flags=re.S))
        del pdf.Root.Lang
        pdf.Root.ViewerPreferences.DisplayDocTitle = False
    assert conditions(plant(good, edit)) == {"xmp-title", "lang", "display-doc-title"}


def test_old_version(good):
    def edit(pdf):
        del pdf.Root.Version
    out = good.with_name("planted.pdf")
    with pikepdf.open(good) as pdf:
        edit(pdf)
        pdf.save(out, min_version="1.4", force_version="1.4")
    assert conditions(out) == {"version"}


def test_wrong_width(good):
    def edit(pdf):
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        widths = font.Widths
        widths[40] = float(widths[40]) + 50
    result = findings(plant(good, edit))
    assert len(result) == 1 and "font-widths" in result[0] and "code 40" in result[0]


def test_width_within_tolerance(good):
    def edit(pdf):
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        font.Widths[40] = float(font.Widths[40]) + 0.5
    assert conditions(plant(good, edit)) == set()


def test_font_not_embedded(good):
    def edit(pdf):
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        del font.FontDescriptor.FontFile2
        del font.ToUnicode
    assert conditions(plant(good, edit)) == {"font-embedded", "font-tounicode"}


# ---------------------------------------------------------------------------------------------------------------
# The command


def test_check_pdf_command_passes_a_folder(english):
    result = CliRunner().invoke(main, ["check", "--pdf", str(english / "back-mouse/en")])
    assert result.exit_code == 0, result.output
    assert "0 PDF/UA finding(s) in 0 of 6 file(s)" in result.output


def test_check_pdf_command_reports_each_finding(good, tmp_path):
    def edit(pdf):
        del _elements(pdf, "/Figure")[0].Alt
        _elements(pdf, "/H3")[0].S = pikepdf.Name("/H4")
    planted = plant(good, edit)
    result = CliRunner().invoke(main, ["check", "--pdf", str(planted), str(good)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "2 PDF/UA finding(s) in 1 of 2 file(s)"
    assert all(line.startswith(f"{planted}: page ") for line in lines[:2])
    assert {line.split(": ")[2] for line in lines[:2]} == {"figure-alt", "heading-skip"}


def test_check_pdf_command_json(good):
    def edit(pdf):
        del _elements(pdf, "/Figure")[0].Alt
    import json

    result = CliRunner().invoke(main, ["check", "--pdf", "--json", str(plant(good, edit))])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [d["condition"] for d in data] == ["figure-alt"] and isinstance(data[0]["page"], int)


@pytest.mark.parametrize("content", [b"not a pdf at all", b"%PDF-1.7\n%broken", b""])
def test_check_pdf_command_refuses_a_non_pdf(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["check", "--pdf", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "not a readable PDF" in lines[0]
    assert "internal error" not in result.output


def test_check_pdf_command_opens_an_encrypted_copy(built):
    encrypted = next(p for p in built if p.parent.name == "encrypted")
    result = CliRunner().invoke(main, ["check", "--pdf", str(encrypted)], env={"HANDOUTS_PDF_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["check", "--pdf", str(encrypted)], env={"HANDOUTS_PDF_PASSWORD": "wrong"})
    assert result.exit_code == 2 and "password" in result.output and len(result.output.strip().splitlines()) == 1


def test_check_pdf_needs_files():
    result = CliRunner().invoke(main, ["check", "--pdf"])
    assert result.exit_code == 2 and "--pdf" in result.output


def test_check_paths_reads_folders(english):
    assert check_paths([english]) == []


def test_titles_of_the_personal_and_clinic_boxes_are_headings(built):
    """"Your plan", "My questions" and the clinic's "Contact" box stand outside any section: their titles are
    H2, like a section's, so a screen reader's heading list reaches them."""
    from tests.test_tagging import element_text, mcid_texts, walk

    def h2(path: Path) -> list[str]:
        texts = mcid_texts(path)
        with pikepdf.open(path) as pdf:
            return [element_text(pdf, e, texts) for e in walk(pdf) if e.S == "/H2"]

    from handouts.content.languages import load_language
    from tests.conftest import CONTENT

    personal = next(p for p in built if "personal" in p.parts)
    assert {"Su plan", "Mis preguntas"} <= set(h2(personal)), h2(personal)
    branded = [p for p in built if "branded" in p.parts and "_leaflet_" in p.name]   # a tri-fold has no Contact box
    assert branded
    for path in branded:
        contact = load_language(CONTENT, path.parent.name).s("contact")
        assert " ".join(contact.split()) in h2(path), (path.name, h2(path))


def test_links_inside_a_run_in_another_language_hold_their_text(tmp_path):
    """A reference's URL inside an English run of an Arabic or Hindi paragraph (a /Span with /Lang around the
    words and the link): the run is cut at the link, each part in the language span again, so the Link element
    gets the URL's own marked content. build_into runs the whole checker on every file."""
    from tests.conftest import build_into

    built = build_into(tmp_path, topics=("back-mouse",), langs=("ar", "hi"), levels=("detailed",), papers=("a4",))
    for relpath in built:
        with pikepdf.open(tmp_path / relpath) as pdf:
            found = [f for f in check_pdf(pdf) if f.condition == "link-text"]
            assert found == []
            content = b"".join(page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream)
                               else b"".join(c.read_bytes() for c in page.Contents) for page in pdf.pages)
            assert b"/Link <<" in content and b"/Lang" in content
