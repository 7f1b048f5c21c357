"""The tri-fold layout: one landscape sheet, two sides, three panels a side, fold marks, and overflow errors that
name the panel instead of cutting text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.build.matrix import BuildOptions, build
from handouts.cli import main
from handouts.config.layouts import load_layout
from reportlab.lib.colors import HexColor
from handouts.pdf.trifold import TUCK_ALLOWANCE, fold_positions, panel_boxes
from tests.conftest import CONTENT, LAYOUTS, build_into

SHEETS = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}


@pytest.fixture(scope="module")
def trifolds(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("trifold")
    build_into(out, langs=("en", "ar"), levels=("easy", "standard"), layouts=("trifold",))
    return out


def pdf(out: Path, lang: str, level: str, paper: str) -> Path:
    return out / f"back-mouse/{lang}/back-mouse_{lang}_{level}_trifold_{paper}.pdf"


def _mul(a: list[float], b: list[float]) -> list[float]:
    """a x b for PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def text_xs(path: Path, page_index: int) -> list[float]:
    """x, on the page, where each text-showing operator drawn directly on the page starts (figures are forms,
    and their labels are left out)."""
    xs: list[float] = []
    with pikepdf.open(path) as doc:
        ctm, stack = [1.0, 0, 0, 1.0, 0, 0], []
        line = [1.0, 0, 0, 1.0, 0, 0]
        for operands, op in pikepdf.parse_content_stream(doc.pages[page_index]):
            name = str(op)
            if name == "q":
                stack.append(ctm)
            elif name == "Q":
                ctm = stack.pop()
            elif name == "cm":
                ctm = _mul([float(v) for v in operands], ctm)
            elif name == "BT":
                line = [1.0, 0, 0, 1.0, 0, 0]
            elif name == "Tm":
                line = [float(v) for v in operands]
            elif name in ("Td", "TD"):
                line = _mul([1, 0, 0, 1, float(operands[0]), float(operands[1])], line)
            elif name in ("Tj", "TJ", "'", '"'):
                xs.append(_mul(line, ctm)[4])
    return xs


CASES = [(level, paper) for level in ("easy", "standard") for paper in ("a4", "letter")]


@pytest.mark.parametrize("level,paper", CASES)
def test_one_landscape_sheet_two_sides(trifolds, level, paper):
    reader = PdfReader(pdf(trifolds, "en", level, paper))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(SHEETS[paper], abs=0.01)


@pytest.mark.parametrize("level,paper", CASES)
def test_cover_and_red_flags_are_on_the_outside(trifolds, level, paper):
    outside = re.sub(r"\s+", " ", PdfReader(pdf(trifolds, "en", level, paper)).pages[0].extract_text())
    assert "Back mouse" in outside                    # the cover title
    assert "numb" in outside and "emergency" in outside   # red flags
    assert "Contact your doctor or clinic" in outside  # whom to call, unbranded


@pytest.mark.parametrize("level,paper", CASES)
def test_three_panels_a_side(trifolds, level, paper):
    """Every text run sits inside one of three panels of its side, and every panel has text."""
    layout = load_layout(LAYOUTS, "trifold")
    for index, side in enumerate(("outside", "inside")):
        boxes = panel_boxes(layout, paper, side, rtl=False)
        assert len(boxes) == 3
        used = {box.panel.id: 0 for box in boxes}
        for x in text_xs(pdf(trifolds, "en", level, paper), index):
            inside = [b for b in boxes if b.frame[0] - 1 <= x <= b.frame[0] + b.frame[2]]
            assert inside, f"text at x={x:.0f} is in no panel of the {side}"
            used[inside[0].panel.id] += 1
        assert all(used.values()), used


def test_panel_geometry():
    layout = load_layout(LAYOUTS, "trifold")
    for paper, (width, _) in SHEETS.items():
        for side in ("outside", "inside"):
            boxes = sorted(panel_boxes(layout, paper, side, rtl=False), key=lambda b: b.x)
            assert sum(b.width for b in boxes) == pytest.approx(width, abs=0.01)
            assert fold_positions(layout, paper, side, rtl=False) == pytest.approx([boxes[1].x, boxes[2].x])
        outside = {b.panel.slot: b for b in panel_boxes(layout, paper, "outside", rtl=False)}
        inside = {b.panel.slot: b for b in panel_boxes(layout, paper, "inside", rtl=False)}
        # the flap that tucks in is a little narrower; it is the same paper on both sides
        assert outside[0].width == pytest.approx(outside[1].width - TUCK_ALLOWANCE)
        assert inside[2].width == pytest.approx(outside[0].width)
        assert outside[0].x == 0 and inside[2].x > inside[1].x
        # right-to-left: mirrored, the cover on the left
        rtl = {b.panel.slot: b for b in panel_boxes(layout, paper, "outside", rtl=True)}
        assert rtl[2].x == 0 and rtl[0].x > rtl[1].x


def dashed_segments(path: Path, page_index: int) -> list[float]:
    """x of every vertical line drawn while a dash pattern is set."""
    xs: list[float] = []
    with pikepdf.open(path) as doc:
        dashed = False
        start = None
        for operands, op in pikepdf.parse_content_stream(doc.pages[page_index]):
            name = str(op)
            if name == "d":
                dashed = len(operands[0]) > 0
            elif name == "Q":
                dashed = False
            elif name == "m":
                start = (float(operands[0]), float(operands[1]))
            elif name == "l" and dashed and start and abs(float(operands[0]) - start[0]) < 0.01:
                xs.append(start[0])
    return xs


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_fold_marks(trifolds, paper):
    layout = load_layout(LAYOUTS, "trifold")
    path = pdf(trifolds, "en", "standard", paper)
    for index, side in enumerate(("outside", "inside")):
        xs = dashed_segments(path, index)
        folds = fold_positions(layout, paper, side, rtl=False)
        assert len(xs) == 4   # top and bottom of each fold
        for x in xs:
            assert min(abs(x - f) for f in folds) < 0.01


def test_right_to_left_mirrors_the_panels(trifolds):
    """Arabic: the cover is the left-hand panel of the outside, so the leaflet opens the other way."""
    path = pdf(trifolds, "ar", "easy", "a4")
    layout = load_layout(LAYOUTS, "trifold")
    cover = next(b for b in panel_boxes(layout, "a4", "outside", rtl=True) if "cover" in b.panel.content)
    assert cover.x == 0
    with pikepdf.open(path) as doc:
        assert str(doc.Root.get("/Lang")) == "ar"
    width = SHEETS["a4"][0]
    assert band_x(path) < width / 3                              # the title band: left-hand panel in Arabic
    assert band_x(pdf(trifolds, "en", "easy", "a4")) > 2 * width / 3   # and right-hand in English


def band_x(path: Path) -> float:
    """Left edge, on the page, of the widest rectangle filled with the layout's accent colour (the title band)."""
    accent = HexColor(load_layout(LAYOUTS, "trifold").colours["accent"])
    want = [round(v, 3) for v in (accent.red, accent.green, accent.blue)]
    best = (0.0, 0.0)
    with pikepdf.open(path) as doc:
        ctm, stack, fill = [1.0, 0, 0, 1.0, 0, 0], [], None
        for operands, op in pikepdf.parse_content_stream(doc.pages[0]):
            name = str(op)
            if name == "q":
                stack.append((ctm, fill))
            elif name == "Q":
                ctm, fill = stack.pop()
            elif name == "cm":
                ctm = _mul([float(v) for v in operands], ctm)
            elif name == "rg":
                fill = [round(float(v), 3) for v in operands]
            elif name == "re" and fill == want:
                x, _, w, _ = (float(v) for v in operands)
                if abs(w) > best[1]:
                    best = (_mul([1, 0, 0, 1, x, 0], ctm)[4], abs(w))
    return best[0]


def test_metadata_and_fonts_embedded(trifolds):
    from tests.pdfread import fonts

    path = pdf(trifolds, "en", "easy", "a4")
    info = PdfReader(path).metadata
    assert info.title.startswith("Back mouse")
    assert all(f["embedded"] for f in fonts(path).values())


def test_deterministic(trifolds, tmp_path):
    build_into(tmp_path, langs=("en",), levels=("easy",), layouts=("trifold",), papers=("a4",))
    assert pdf(tmp_path, "en", "easy", "a4").read_bytes() == pdf(trifolds, "en", "easy", "a4").read_bytes()


def overfull_layouts(tmp_path: Path) -> Path:
    """A copy of layouts/ whose inside-middle panel is given every block of five sections (by their roles)."""
    layouts = tmp_path / "layouts"
    shutil.copytree(LAYOUTS, layouts)
    path = layouts / "trifold.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for panel in data["panels"]:
        if panel["id"] == "inside-middle":
            panel["sections"] = [{"role": s, "blocks": ["all"]}
                                 for s in ("intro", "signs", "diagnosis", "treatment", "prevention")]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return layouts


def test_overflow_names_the_panel(tmp_path):
    layouts = overfull_layouts(tmp_path)
    report = build(BuildOptions(content_dir=CONTENT, layouts_dir=layouts, out_dir=tmp_path / "out",
                                langs=("en",), levels=("standard",), layouts=("trifold",), papers=("a4",)))
    assert not report.ok and not report.built
    message = report.failed[0]["error"]
    assert re.search(r"trifold\.yaml: panel 'inside-middle' overflows by \d+ mm in en/standard on a4", message)
    assert "\n" not in message


def test_overflow_fails_the_cli(tmp_path):
    layouts = overfull_layouts(tmp_path)
    result = CliRunner().invoke(main, ["build", "--layout", "trifold", "--lang", "en", "--level", "easy",
                                       "--paper", "letter", "--layouts", str(layouts), "--content", str(CONTENT),
                                       "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "panel 'inside-middle' overflows by" in result.output
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_branded_cover_and_contact(tmp_path):
    from handouts.config.clinic import load_clinic

    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: "Smith & Jones <Physio>"\nphone: "+44 1234 567890"\n'
                       "website: https://clinic.example/back\n", encoding="utf-8")
    build_into(tmp_path / "out", langs=("en",), levels=("easy",), layouts=("trifold",), papers=("letter",),
               clinic=load_clinic(profile))
    outside = re.sub(r"\s+", " ", PdfReader(pdf(tmp_path / "out", "en", "easy", "letter")).pages[0].extract_text())
    assert "Smith & Jones <Physio>" in outside and "+44 1234 567890" in outside


def test_a_branded_easy_read_trifold_fits_in_every_language(tmp_path):
    """Issue #13: a clinic's name and phone in the red flags made the German, Spanish and Portuguese Easy Read
    tri-folds overflow their back panel by 3-10 mm. The sheet is set again with tighter spacing and line
    spacing (never under 1.2 times the size; the type size stays) before a panel is an error."""
    from handouts.config.clinic import load_clinic
    from tests.conftest import build_into

    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: "Smith & Jones Physio"\nphone: "+44 20 7946 0000"\n'
                       'website: "https://smithjones.example/back"\naccent: "#2e6b3a"\n')

    built = build_into(tmp_path / "out", topics=("back-mouse",), langs=("de", "es", "pt"), levels=("easy",),
                       layouts=("trifold",), papers=("a4",), clinic=load_clinic(profile))
    assert len(built) == 3


@pytest.mark.parametrize("lang, level, words", [("en", "easy", "stretches"), ("en", "standard", "stretches"),
                                                ("ar", "standard", "الإطالة")])
def test_the_checklist_sends_no_one_to_stretches_the_sheet_leaves_out(trifolds, tmp_path, lang, level, words):
    """The tri-fold keeps the self-care checklist but not the stretches: the item that says to do them
    (`{needs=selfcare-stretch}`) is left out, and the leaflet, which shows them, keeps it."""
    from tests.pdfread import extracted_words

    sheet = " ".join(extracted_words(pdf(trifolds, lang, level, "a4")))
    assert words not in sheet
    assert "selfcare-stretch" not in sheet and "needs=" not in sheet
    build_into(tmp_path, langs=(lang,), levels=(level,), layouts=("leaflet",), papers=("a4",))
    leaflet = " ".join(extracted_words(tmp_path / f"back-mouse/{lang}/back-mouse_{lang}_{level}_leaflet_a4.pdf"))
    assert words in leaflet and "needs=" not in leaflet
