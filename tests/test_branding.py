"""Clinic profiles, personalised copies and the print layouts, read back from real builds."""

from __future__ import annotations

import collections
import json
import re
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.content.reader import read_topic
from tests.conftest import CONTENT
from tests.pdfread import normalized

PROFILE = """name: "Smith & Jones <Physio>"
address: "12 High Street, Anytown"
phone: "+44 20 7946 0000"
email: "hello@smithjones.example"
website: "https://smithjones.example/back"
accent: "#2e6b3a"
clinician: "J. Smith, PT"
"""


def png(width: int, height: int) -> bytes:
    """A small valid PNG, made here so that the test needs no image files."""
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def profile(tmp_path) -> Path:
    (tmp_path / "logo.png").write_bytes(png(60, 30))
    path = tmp_path / "clinic.yaml"
    path.write_text(PROFILE + "logo: logo.png\n")
    return path


def test_branded_leaflet_prints_clinic_text_literally(profile, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "standard", "--paper", "a4", "--clinic", str(profile),
                 "--out", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    pdf = out / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    text = normalized(pdf)
    assert "Smith & Jones <Physio>" in text
    assert "+44 20 7946 0000" in text
    reader = PdfReader(pdf)
    assert reader.metadata.author == "Smith & Jones <Physio>"
    uris = {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]}
    assert "tel:+442079460000" in uris and "https://smithjones.example/back" in uris
    with pikepdf.open(pdf) as doc:
        images = [x for x in doc.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image"]
        assert images, "the logo is on the cover"


def test_publisher_is_the_clinic_when_branded_and_the_topics_otherwise_never_the_tool(profile, tmp_path):
    """Running header, the small print and the Author field name who stands behind the copy."""
    branded, plain = tmp_path / "branded", tmp_path / "plain"
    for out, extra in ((branded, ["--clinic", str(profile)]), (plain, [])):
        result = run("build", "--lang", "en", "--level", "standard", "--paper", "a4", "--out", str(out), "-j", "1",
                     *extra)
        assert result.exit_code == 0, result.output
    name = "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    topic_publisher = read_topic(CONTENT, "back-mouse").publisher
    assert topic_publisher and "handouts" not in topic_publisher.lower()
    for out, who in ((branded, "Smith & Jones <Physio>"), (plain, topic_publisher)):
        reader = PdfReader(out / name)
        assert reader.metadata.author == who
        header = " ".join((reader.pages[1].extract_text() or "").split())
        last = " ".join((reader.pages[-1].extract_text() or "").split())
        assert who in header
        # the team that wrote the text and published it is named once; a clinic that hands it out is added
        assert (f"Produced by {who}" in last) == (who != topic_publisher), last
        assert f"Written by {topic_publisher}" in last
        assert "handouts project" not in normalized(out / name)


@pytest.mark.parametrize("change,needle", [
    ('accent: "#2e6b3a"', 'accent: "#f0e000"'),
    ("logo: logo.png", "logo: missing.png"),
    ("logo: logo.png", "logo: broken.png"),
    ('name: "Smith & Jones <Physio>"', 'nmae: "Smith"'),
])
def test_bad_profiles_fail_clearly(profile, tmp_path, change, needle):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    profile.write_text(profile.read_text().replace(change, needle))
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "easy", "--paper", "a4", "--clinic", str(profile),
                 "--out", str(out))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert ("clinic.yaml" in result.output or ".png" in result.output), result.output
    assert not list(out.rglob("*.pdf"))


def _link_targets(pdf: Path) -> set[str]:
    reader = PdfReader(pdf)
    return {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]}


def test_emergency_and_urgent_numbers_come_from_the_profile(profile, tmp_path):
    """The number to dial depends on the clinic's country: the profile gives it, the red-flag box prints it as a
    tel: link; without one the box says to call the local emergency number."""
    profile.write_text(profile.read_text() + 'emergency_number: "112"\nurgent_number: "0800 555 0100"\n')
    out, plain = tmp_path / "out", tmp_path / "plain"
    for args, where in ((("--clinic", str(profile)), out), ((), plain)):
        result = run("build", "--lang", "en", "--level", "easy", "--level", "standard", "--paper", "a4",
                     *args, "--out", str(where), "-j", "1")
        assert result.exit_code == 0, result.output
    for level in ("easy", "standard"):
        name = f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf"
        branded, unbranded = normalized(out / name), normalized(plain / name)
        assert "112" in branded and "0800 555 0100" in branded and "local emergency number" not in branded
        assert {"tel:112", "tel:08005550100", "tel:+442079460000"} <= _link_targets(out / name)
        assert "local emergency number" in unbranded and "urgent care service" in unbranded
        assert not any(t.startswith("tel:") for t in _link_targets(plain / name))


@pytest.mark.parametrize("line,needle", [
    ("emergency_number: 000", "emergency_number"),      # YAML would read it as 0: refused, not misprinted
    ('urgent_number: "ask at reception"', "urgent_number"),
    ("phone: 999", "phone"),
])
def test_numbers_to_dial_must_be_quoted_digits(profile, tmp_path, line, needle):
    profile.write_text(profile.read_text().replace('phone: "+44 20 7946 0000"\n', "") + line + "\n")
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "easy", "--paper", "a4", "--clinic", str(profile),
                 "--out", str(out))
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "internal error" not in result.output
    message = [line for line in result.output.splitlines() if line.strip()]
    assert len(message) == 1 and "clinic.yaml" in message[0] and needle in message[0], result.output
    assert not list(out.rglob("*.pdf"))


def test_clinic_template_values_are_empty_strings_without_a_profile():
    from handouts.config.clinic import Clinic

    values = Clinic().as_template_values()
    for key in ("emergency_number", "urgent_number", "emergency_number_tel", "urgent_number_tel", "phone_tel"):
        assert values[key] == ""
    assert Clinic(urgent_number="0800 555 0100").as_template_values()["urgent_number_tel"] == "tel:08005550100"


def test_every_level_points_to_the_emergency_signs_on_page_1(tmp_path):
    """The summary box on the cover says when to get help now, so nobody has to reach the last page for it."""
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--paper", "a4", "--out", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    for level in ("easy", "standard", "detailed"):
        first = " ".join(PdfReader(out / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf").pages[0]
                         .extract_text().split())
        assert "Get help now" in first and "numb or weak" in first, level


def test_huge_logo_is_refused(profile, tmp_path):
    (tmp_path / "logo.png").write_bytes(png(60, 30) + b"\0" * (3 * 1024 * 1024))
    result = run("build", "--lang", "en", "--level", "easy", "--clinic", str(profile), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "KB" in result.output


def test_personal_copy_keeps_personal_data_on_the_page(profile, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--topic", "back-mouse", "--lang", "es", "--level", "easy", "--patient", "Ana López",
                 "--clinician", "J. Smith, PT",
                 "--note", "Calor 15 min, dos veces al día", "--clinic", str(profile), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Ana" not in result.output
    (pdf,) = out.glob("*.pdf")
    # the document's name and a keyed hash of the patient's (README): findable, but no part of the name in it
    assert re.fullmatch(r"back-mouse_es_easy_leaflet_a4_[0-9a-f]{16}\.pdf", pdf.name), pdf.name
    text = normalized(pdf)
    assert "Ana López" in text and "Calor 15 min" in text and "Mis preguntas" in text
    with pikepdf.open(pdf) as doc:
        info = " ".join(str(v) for v in doc.docinfo.values())
        xmp = bytes(doc.Root.Metadata.read_bytes()) if "/Metadata" in doc.Root else b""
    assert "Ana" not in info and b"Ana" not in xmp and "Calor" not in info
    assert not (out / "manifest.json").exists()
    assert pdf.stat().st_size <= 300_000


def test_encrypted_copy_opens_only_with_the_password(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--topic", "back-mouse", "--lang", "en", "--level", "standard", "--patient", "Sam Lee", "--encrypt",
                 "--out", str(out), env={"HANDOUTS_PDF_PASSWORD": "correct horse"})
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("*.pdf")
    reader = PdfReader(pdf)
    assert reader.is_encrypted
    with pytest.raises(Exception):
        reader.pages[0].extract_text()
    assert PdfReader(pdf).decrypt("wrong password") == 0
    reader = PdfReader(pdf)
    assert reader.decrypt("correct horse") != 0
    assert "Sam Lee" in reader.pages[0].extract_text()


def test_large_print_body_is_at_least_16pt(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "standard", "--layout", "large-print", "--paper", "letter",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / "back-mouse/en/back-mouse_en_standard_large-print_letter.pdf"
    shown: collections.Counter = collections.Counter()  # font size -> bytes of text shown at that size
    with pikepdf.open(pdf) as doc:
        for page in doc.pages[1:3]:
            size = 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    size = float(operands[1])
                elif str(operator) == "Tj":
                    shown[size] += len(bytes(operands[0]))
                elif str(operator) == "TJ":
                    shown[size] += sum(len(bytes(x)) for x in operands[0] if isinstance(x, pikepdf.String))
    body_size, _ = shown.most_common(1)[0]
    assert body_size >= 16, shown
    with pikepdf.open(pdf) as doc:  # large print is tagged like the leaflet
        assert bool(doc.Root.MarkInfo.Marked) and "/StructTreeRoot" in doc.Root


def test_booklet_is_imposed_on_landscape_sheets(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "standard", "--layout", "booklet", "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["documents"]:
        reader = PdfReader(out / entry["path"])
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)
        expected = (841.89, 595.28) if entry["paper"] == "a4" else (792.0, 612.0)
        assert float(box.width) == pytest.approx(expected[0], abs=0.5)
        assert (len(reader.pages) * 2) % 4 == 0


def _colour_operands(pdf_path: Path) -> list[tuple[float, ...]]:
    """Every RGB fill and stroke colour set on the pages and inside the figures' forms."""
    found = []
    with pikepdf.open(pdf_path) as doc:
        streams = []
        for page in doc.pages:
            streams.append(page)
            for xobject in (page.Resources.get("/XObject") or {}).values():
                if xobject.get("/Subtype") == "/Form":
                    streams.append(xobject)
        for stream in streams:
            for operands, operator in pikepdf.parse_content_stream(stream):
                if str(operator) in ("rg", "RG"):
                    found.append(tuple(float(x) for x in operands))
    return found


def test_grayscale_prints_only_grays(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "standard", "--paper", "a4", "--grayscale", "--out", str(out))
    assert result.exit_code == 0, result.output
    colours = _colour_operands(out / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf")
    assert colours
    assert all(max(c) - min(c) < 0.01 for c in colours), [c for c in colours if max(c) - min(c) >= 0.01][:5]


def test_bleed_adds_boxes_and_crop_marks(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--lang", "en", "--level", "easy", "--paper", "letter", "--bleed", "3mm", "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / "back-mouse/en/back-mouse_en_easy_leaflet_letter.pdf"
    bleed = 3 * 72 / 25.4
    for page in PdfReader(pdf).pages:
        trim = [float(v) for v in page.trimbox]
        assert trim == pytest.approx([0, 0, 612, 792], abs=0.01)
        assert [float(v) for v in page.bleedbox] == pytest.approx([-bleed, -bleed, 612 + bleed, 792 + bleed], abs=0.01)
        assert float(page.mediabox.width) > 612 + 2 * bleed
    with pikepdf.open(pdf) as doc:
        lines = [op for op in pikepdf.parse_content_stream(doc.pages[0]) if str(op[1]) == "l"]
        assert len(lines) >= 8  # two marks at each corner


def test_bad_bleed_is_a_usage_error(tmp_path):
    result = run("build", "--lang", "en", "--bleed", "three", "--out", str(tmp_path))
    assert result.exit_code == 2 and "--bleed" in result.output


def _fill_colours(path: Path) -> set[tuple[float, float, float]]:
    """Every RGB fill colour the page content sets ("r g b rg"), rounded to two decimals."""
    colours = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "rg":
                    colours.add(tuple(round(float(v), 2) for v in operands))
    return colours


def test_the_clinic_accent_reaches_boxes_and_rules_not_only_headings(profile, tmp_path):
    """Issue #13: the accent reached the band and headings but boxes stayed the default blue. The layout's
    `brand` colours (box backgrounds and borders) become tints of the clinic's accent; unbranded copies keep
    the layout's own."""
    from handouts.config.clinic import mix_with_white
    from handouts.config.layouts import load_layout, rgb
    from tests.conftest import LAYOUTS

    out = tmp_path / "out"
    for args in (["--clinic", str(profile), "--out", str(out / "branded")], ["--out", str(out / "plain")]):
        result = run("build", "--lang", "en", "--level", "standard", "--paper", "a4", "-j", "1", *args)
        assert result.exit_code == 0, result.output
    name = "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf"
    default_tint = tuple(round(v, 2) for v in rgb(load_layout(LAYOUTS, "leaflet").colours["tint"]))
    green_tint = tuple(round(v, 2) for v in rgb(mix_with_white("#2e6b3a", 0.09)))
    branded, plain = _fill_colours(out / "branded" / name), _fill_colours(out / "plain" / name)
    assert green_tint in branded and default_tint not in branded
    assert default_tint in plain and green_tint not in plain
    assert (mix_with_white("#2e6b3a", 0.0), mix_with_white("#2e6b3a", 1.0)) == ("#ffffff", "#2e6b3a")
    assert mix_with_white("#1f5f8b", 0.09) == "#ebf1f5"   # the default accent's tint: close to the layout's #e8f1f7
