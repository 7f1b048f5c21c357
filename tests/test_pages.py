"""The page-quality check (handouts check --pages): each rule on a PDF drawn to break it, and on real builds."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from handouts.check.pages import check_files
from handouts.cli import main
from tests.conftest import LAYOUTS

# layouts/leaflet.yaml at the standard level on A4: the frames' edges, in points from the bottom of the page
W, H = A4
BODY_TOP, BODY_BOTTOM = H - 27 * mm, 27 * mm
LEFT_X, RIGHT_X = 16 * mm + 2, W / 2 + 10 * mm


def _draw(path: Path, pages: list[list[tuple]]) -> Path:
    """One PDF page per list of (x, y, text, size, bold, tag): text at that baseline, inside marked content
    `tag` (a Figure for figure labels, an Artifact for furniture) when given."""
    canvas = Canvas(str(path), pagesize=A4)
    for page in pages:
        for x, y, text, size, bold, tag in page:
            if tag:
                canvas._code.append(f"/{tag} BMC")
            canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
            canvas.drawString(x, y, text)
            if tag:
                canvas._code.append("EMC")
        canvas.showPage()
    canvas.save()
    return path


def _column(x: float, lines: int, *, start: float = BODY_TOP - 14, size: float = 12) -> list[tuple]:
    return [(x, start - i * size * 1.4, "Some ordinary body text of the leaflet", size, False, "P")
            for i in range(lines)]


def _full_page(extra: list[tuple] = ()) -> list[tuple]:
    rows = int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1
    return _column(LEFT_X, rows) + _column(RIGHT_X, rows) + list(extra)


def _rules(tmp_path: Path, name: str, pages: list[list[tuple]]) -> list:
    return check_files([_draw(tmp_path / f"{name}_en_standard_leaflet_a4.pdf", pages)], LAYOUTS)


def test_a_title_at_the_foot_of_a_column_is_stranded(tmp_path):
    rows = int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1
    left = _column(LEFT_X, rows - 2)
    foot = BODY_TOP - 14 - (rows - 2) * 12 * 1.4
    left.append((LEFT_X, foot, "What you can do today", 13.2, True, "P"))   # a box title, bold, 1.1 x body
    left.append((LEFT_X, foot - 17, "Rest the back for a day", 12, False, "P"))  # one line of its content
    pages = [_full_page(), left + _column(RIGHT_X, rows), _full_page()]
    problems = _rules(tmp_path, "stranded", pages)
    stranded = [p for p in problems if p.rule == "stranded-title"]
    assert [(p.page, "What you can do today" in p.message) for p in stranded] == [(2, True)]
    assert "column" in stranded[0].message


def test_a_title_with_two_lines_under_it_is_not_stranded(tmp_path):
    rows = int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1
    left = _column(LEFT_X, rows - 3)
    foot = BODY_TOP - 14 - (rows - 3) * 12 * 1.4
    left.append((LEFT_X, foot, "What you can do today", 13.2, True, "P"))
    left += _column(LEFT_X, 2, start=foot - 17)
    pages = [_full_page(), left + _column(RIGHT_X, rows), _full_page()]
    assert [p for p in _rules(tmp_path, "kept", pages) if p.rule == "stranded-title"] == []


def test_a_title_ending_a_page_is_stranded_across_the_page(tmp_path):
    rows = int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1
    right = _column(RIGHT_X, rows - 1)
    right.append((RIGHT_X, BODY_TOP - 14 - (rows - 1) * 12 * 1.4, "When to get help", 18.6, True, "H2"))
    pages = [_full_page(), _column(LEFT_X, rows) + right, _full_page()]
    stranded = [p for p in _rules(tmp_path, "page", pages) if p.rule == "stranded-title"]
    assert [(p.page, "ends the page with 0 line(s)" in p.message) for p in stranded] == [(2, True)]


def test_a_page_with_only_furniture_is_reported(tmp_path):
    footer = [(LEFT_X, 18 * mm, "Version 1.2, reviewed 2026", 8, False, "Artifact")]
    pages = [_full_page(), _full_page(footer), [(LEFT_X, BODY_TOP - 14, "Produced by someone", 8.6, False, "P")]
             + footer]
    problems = _rules(tmp_path, "empty", pages)
    assert [(p.rule, p.page) for p in problems if p.rule in ("empty-page", "last-page-fill")] == [("empty-page", 3)]
    assert "Produced by someone" in problems[-1].message


def test_a_last_page_under_a_third_full_is_reported_and_one_over_it_is_not(tmp_path):
    thin = _rules(tmp_path, "thin", [_full_page(), _full_page(), _column(LEFT_X, 12) + _column(RIGHT_X, 6)])
    assert [(p.rule, p.page) for p in thin] == [("last-page-fill", 3)]
    assert "under a third" in thin[0].message
    ok = _rules(tmp_path, "ok", [_full_page(), _full_page(), _column(LEFT_X, 30) + _column(RIGHT_X, 10)])
    assert ok == []


def test_type_under_the_layouts_floors_is_reported_per_kind(tmp_path):
    label = (LEFT_X, BODY_TOP - 200, "Hip bone", 6.5, False, "Figure")     # levels.standard.label_floor: 9
    footer = (LEFT_X, 18 * mm, "Page 2 of 3", 7, False, "Artifact")        # floors.furniture: 8
    caption = (RIGHT_X, BODY_TOP - 300, "A caption", 7.5, False, "P")      # floors.text: 8
    fine = (RIGHT_X, BODY_TOP - 320, "Big label", 9, False, "Figure")
    pages = [_full_page(), _full_page([label, footer, caption, fine]), _full_page()]
    small = [p for p in _rules(tmp_path, "small", pages) if p.rule == "small-text"]
    assert sorted((p.page, p.message.split(" at ")[0]) for p in small) == [
        (2, "a figure label"), (2, "header or footer text"), (2, "text")]
    assert any("6.5 pt" in p.message and "label_floor" in p.message for p in small)


def test_words_drawn_over_each_other_are_reported_and_neighbours_are_not(tmp_path):
    y = BODY_TOP - 200
    clash = [(RIGHT_X + 20, y, "Fascia layer", 11, False, "Figure"), (RIGHT_X + 24, y - 4, "Small tear", 11, False,
                                                                      "Figure")]
    below = [(RIGHT_X + 20, y - 30, "Muscle", 11, False, "Figure"), (RIGHT_X + 20, y - 44, "Skin", 11, False,
                                                                    "Figure")]
    left = _column(LEFT_X, int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1)
    problems = _rules(tmp_path, "overlap", [_full_page(), left + clash + below, _full_page()])
    assert {(p.rule, p.page) for p in problems} == {("overlap", 2)}   # each pair of words: Fascia/Small, layer/tear
    assert "Fascia" in problems[0].message and "Small" in problems[0].message
    assert not any("Muscle" in p.message or "Skin" in p.message for p in problems)


def test_text_at_the_papers_edge_or_in_the_gutter_is_off_frame(tmp_path):
    rows = int((BODY_TOP - BODY_BOTTOM) / (12 * 1.4)) - 1
    edge = (W - 12 * mm, BODY_TOP - 100, "Cut off", 10, False, "P")    # runs to within 3 mm of the edge
    gutter = (W / 2 - 8, BODY_TOP - 300, "Out", 10, False, "P")         # between the columns
    pages = [_full_page(), _column(LEFT_X, rows) + [edge], _column(LEFT_X, rows) + [gutter], _full_page()]
    problems = _rules(tmp_path, "offframe", pages)
    assert {(p.page, p.rule) for p in problems} == {(2, "off-frame"), (3, "off-frame")}, problems
    assert any(p.page == 2 and "3 mm of the paper's edge" in p.message for p in problems)
    assert any(p.page == 3 and "outside every column" in p.message for p in problems)


def test_cli_reports_file_page_and_rule_and_fails(tmp_path):
    path = _draw(tmp_path / "cli_en_standard_leaflet_a4.pdf",
                 [_full_page(), _full_page(), _column(LEFT_X, 12)])
    result = CliRunner().invoke(main, ["check", "--pages", str(path)])
    assert result.exit_code == 1
    assert f"{path}: page 3: last-page-fill:" in result.output
    clean = _draw(tmp_path / "clean_en_standard_leaflet_a4.pdf", [_full_page(), _full_page()])
    assert CliRunner().invoke(main, ["check", "--pages", str(clean)]).exit_code == 0


def test_cli_refuses_what_it_cannot_judge_in_one_line(tmp_path):
    unnamed = _draw(tmp_path / "leaflet.pdf", [_full_page()])
    result = CliRunner().invoke(main, ["check", "--pages", str(unnamed)])
    assert result.exit_code == 1 and "cannot tell which layout" in result.output
    assert "internal error" not in result.output
    broken = tmp_path / "broken_en_standard_leaflet_a4.pdf"
    broken.write_bytes(b"not a pdf")
    result = CliRunner().invoke(main, ["check", "--pages", str(broken)])
    assert result.exit_code == 1 and "cannot read this PDF" in result.output
    assert CliRunner().invoke(main, ["check", str(broken)]).exit_code == 2   # files without --pages


def test_built_english_leaflets_keep_every_title_with_its_content(english):
    """Headings keep with the list or figure after them and with at least two of its lines (pdfdoc's
    KeepWithFirstLines); measured on the real builds of every English level and paper."""
    problems = check_files([english / "back-mouse" / "en"], LAYOUTS)
    assert [p.line() for p in problems if p.rule == "stranded-title"] == []


def test_large_print_headers_footers_and_small_print_keep_the_12pt_floor(tmp_path):
    """layouts/large-print.yaml promises 12 pt furniture and small print (floors); styles and the running
    header and footer keep to it, and figure labels keep their 14 pt floor (label_floor)."""
    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("en", "ar"), levels=("standard",), layouts=("large-print",),
               papers=("a4",))
    problems = check_files([tmp_path / "back-mouse"], LAYOUTS)
    assert [p.line() for p in problems if p.rule == "small-text"] == []
    # A warning box taller than a page starts where it stands and splits (flowables.KeepInColumn): moved whole to
    # the next page it left a page holding two lines of the paragraph before it.
    assert [p.line() for p in problems] == []


def test_built_english_leaflets_keep_every_figure_label_at_the_levels_floor(english):
    """Figures are drawn at the width their column gives them, and their labels are set at the level's
    label_floor there (9 pt standard and detailed, 12 pt easy), wrapping rather than shrinking."""
    problems = check_files([english / "back-mouse" / "en"], LAYOUTS)
    assert [p.line() for p in problems if p.rule == "small-text"] == []


def test_chinese_and_vietnamese_labels_keep_the_floor_in_narrow_panels(tmp_path):
    """The longest labels (Vietnamese words, Chinese without spaces, which wrap between characters) in the
    narrowest places: a tri-fold panel (8 pt floor) and an Easy Read picture beside its sentence (12 pt)."""
    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("zh-Hans", "vi"), levels=("easy",),
               layouts=("leaflet", "trifold"), papers=("a4",))
    problems = check_files([tmp_path / "back-mouse"], LAYOUTS)
    assert [p.line() for p in problems if p.rule == "small-text"] == []


def test_an_encrypted_copy_is_checked_with_the_password_from_the_environment(tmp_path, monkeypatch):
    """Like check --pdf: $HANDOUTS_PDF_PASSWORD opens an encrypted personal copy; without it, one clear line."""
    out = tmp_path / "out"
    env = {"HANDOUTS_PDF_PASSWORD": "correct horse"}
    result = CliRunner().invoke(main, ["build", "--topic", "back-mouse", "--lang", "en", "--level", "easy",
                                       "--paper", "a4", "--patient", "Ana", "--encrypt", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    [copy] = out.rglob("*.pdf")
    checked = CliRunner().invoke(main, ["check", "--pages", str(copy)], env=env)
    assert checked.exit_code == 0 and "0 page problem(s)" in checked.output, checked.output
    refused = CliRunner().invoke(main, ["check", "--pages", str(copy)], env={"HANDOUTS_PDF_PASSWORD": ""})
    assert refused.exit_code != 0 and "HANDOUTS_PDF_PASSWORD" in refused.output


def test_build_verbose_names_the_pages_the_check_finds(tmp_path, monkeypatch):
    """Issue #13: where a layout cannot make a page right, `build --verbose` says which page and why, from the
    same check as check --pages. The leaflets this builds pass it (the notes area fills their last page), so the
    check is made stricter here than any page can meet: every last page must be more than full."""
    import handouts.check.pages as pages
    from tests.trees import english_tree

    content, layouts = english_tree(tmp_path, levels=("standard",))
    args = ["build", "--content", str(content), "--layouts", str(layouts), "--paper", "a4", "-j", "1"]
    monkeypatch.setattr(pages, "LAST_PAGE_MIN_FILL", 1.01)
    result = CliRunner().invoke(main, args + ["--out", str(tmp_path / "out"), "--verbose"])
    assert result.exit_code == 0, result.output
    noted = [line for line in result.output.splitlines() if "last-page-fill" in line]
    assert len(noted) == 1 and "back-mouse_en_standard_leaflet_a4.pdf: page " in noted[0], result.output
    quiet = CliRunner().invoke(main, args + ["--out", str(tmp_path / "out2")])
    assert "last-page-fill" not in quiet.output   # only with --verbose


def test_a_short_last_page_ends_on_a_notes_area_that_balancing_does_not_count(tmp_path):
    """A leaflet whose text ends high on its last page gets a ruled "Notes" area in the rest of that column
    (it counts as fill for check --pages); the renderer still balances on the text alone."""
    import pdfplumber

    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("en",), levels=("easy",), papers=("a4",))
    [leaflet] = tmp_path.rglob("*.pdf")
    with pdfplumber.open(leaflet) as pdf:
        last = pdf.pages[-1]
        text = last.extract_text()
        rules = [line for line in last.lines if line["width"] > 100 and line["top"] > 100]
    assert "Notes" in text and "Write down what you want to ask at your next visit." in text
    assert len(rules) >= 3
    assert check_files([leaflet], LAYOUTS) == []


def test_an_arabic_booklet_is_read_in_its_own_page_order(tmp_path):
    """A right-to-left booklet is bound on the right (page 1 is the left half of the first sheet): the check
    undoes that imposition, so page 1 is the cover and a title stays with its content."""
    from handouts.check.pages import _logical_pages, target_of
    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("ar",), levels=("standard",), layouts=("booklet",),
               papers=("a4",))
    [booklet] = tmp_path.rglob("*.pdf")
    import pdfplumber

    with pdfplumber.open(booklet) as pdf:
        pages = _logical_pages(pdf, target_of(booklet, LAYOUTS))
        largest = [max((c["size"] for c in page.chars), default=0) for _, page, _ in pages]
    assert largest[0] >= 28 and max(largest[1:]) < 28   # the cover title (30 pt) is on page 1 and only there
    assert check_files([booklet], LAYOUTS) == []


def test_a_personal_copy_ends_on_one_writing_area_its_my_questions(tmp_path):
    """A personal copy promises "My questions": it becomes the area that ends the leaflet (at least six lines,
    the rest of the last column), and no second "Notes" box repeats it."""
    import pdfplumber

    result = CliRunner().invoke(main, ["build", "--topic", "back-mouse", "--lang", "es", "--level", "easy",
                                       "--paper", "a4", "--patient", "Ana López", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [copy] = tmp_path.rglob("*.pdf")
    assert check_files([copy], LAYOUTS) == []
    with pdfplumber.open(copy) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
        last = pdf.pages[-1]
        rules = [line for line in last.lines if line["width"] > 100]
    assert text.count("Mis preguntas") == 1 and "Notas" not in text
    assert "Mis preguntas" in last.extract_text() and len(rules) >= 6


def test_a_long_numbered_list_keeps_its_labels_clear_of_its_text(english, tmp_path):
    """The references run to twelve: "10." is wider than the usual 1.3 em indent, and the labels ran into the
    text ("10.Copeman"; in an Arabic column, where the labels stand on the right, "J11."). Each label of two
    digits is now a word of its own, a few points from the nearest word on its line."""
    import pdfplumber

    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("ar",), levels=("detailed",), papers=("a4",))
    leaflets = [english / "back-mouse/en/back-mouse_en_detailed_leaflet_a4.pdf", *tmp_path.rglob("*.pdf")]
    for leaflet in leaflets:
        found = set()
        with pdfplumber.open(leaflet) as pdf:
            for page in pdf.pages:
                words = page.extract_words()
                for label in (w for w in words if w["text"] in ("10.", "11.", "12.")):
                    line = [w for w in words if w is not label and abs(w["top"] - label["top"]) < 2]
                    gap = min(min(abs(w["x0"] - label["x1"]), abs(label["x0"] - w["x1"])) for w in line)
                    assert gap >= 3, (leaflet.name, label["text"], gap)
                    found.add(label["text"])
        assert found == {"10.", "11.", "12."}, (leaflet.name, found)


def _figure_gaps(path: Path) -> list[tuple[int, float]]:
    """For each figure drawn beside text: (page, the space in points between the drawing and the nearest
    character beside it). A figure is a run of shapes narrower than most of the page that overlap vertically;
    its labels in Arabic and Hindi are outlines, so every character beside it is the body's."""
    import pdfplumber

    gaps = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            shapes = sorted((s for s in page.curves + page.rects + page.lines if s["x1"] - s["x0"] < 0.6 * page.width),
                            key=lambda s: s["top"])
            boxes: list[list[float]] = []
            for s in shapes:
                if boxes and s["top"] <= boxes[-1][3] + 2:
                    b = boxes[-1]
                    boxes[-1] = [min(b[0], s["x0"]), b[1], max(b[2], s["x1"]), max(b[3], s["bottom"])]
                else:
                    boxes.append([s["x0"], s["top"], s["x1"], s["bottom"]])
            for x0, top, x1, bottom in boxes:
                beside = [c for c in page.chars if top < (c["top"] + c["bottom"]) / 2 < bottom
                          and (c["x1"] <= x0 or c["x0"] >= x1)]
                if bottom - top >= 40 and beside:
                    gaps.append((number, min(x0 - c["x1"] if c["x1"] <= x0 else c["x0"] - x1 for c in beside)))
    return gaps


def test_a_picture_beside_text_keeps_its_gap_on_the_texts_side_in_both_directions(tmp_path):
    """The easy level sets its pictures beside their words with a 12 pt gap. Mirrored for Arabic, the gap had
    gone to the outer margin and the labels stood 2 to 5 points from the sentence beside them, read as part of
    it; Hindi (left to right, labels also drawn as outlines) is the unmirrored control."""
    from tests.conftest import build_into

    build_into(tmp_path, topics=("back-mouse",), langs=("ar", "hi"), levels=("easy",), papers=("a4",))
    for lang in ("ar", "hi"):
        gaps = _figure_gaps(tmp_path / f"back-mouse/{lang}/back-mouse_{lang}_easy_leaflet_a4.pdf")
        assert len(gaps) >= 10, (lang, gaps)
        assert min(gap for _, gap in gaps) >= 10, (lang, gaps)


# Each English level's emergency tier: its lead-in, its last sign and what to do.
EMERGENCY_TIERS = {
    "easy": ("Get help now if:", "control your wee or poo", "go to the emergency department now"),
    "standard": ("Call your local emergency number", "control your bladder or bowels",
                 "Do the same if you feel very ill"),
    "detailed": ("Call your local emergency number", "control of your bladder or bowels",
                 "If you feel very ill, get emergency help"),
}


def test_the_emergency_signs_and_what_to_do_stay_on_one_page(english):
    """A warning box split at a page foot had left "call your local emergency number or go to the emergency
    department now" alone on the next page, under the signs it is for (en easy A4, pages 8 and 9): the lead-in,
    the signs and the action of a box's tier are now kept in one column, at every level and on both papers.
    Each page is read whole and by halves, since the words of two columns interleave when read whole."""
    import pdfplumber

    for level, phrases in EMERGENCY_TIERS.items():
        for paper in ("a4", "letter"):
            path = english / f"back-mouse/en/back-mouse_en_{level}_leaflet_{paper}.pdf"
            with pdfplumber.open(path) as pdf:
                regions = [" ".join((region.extract_text() or "").split()) for page in pdf.pages
                           for region in (page, page.crop((0, 0, page.width / 2, page.height)),
                                          page.crop((page.width / 2, 0, page.width, page.height)))]
            assert all(any(phrase in text for text in regions) for phrase in phrases), path.name
            assert any(all(phrase in text for phrase in phrases) for text in regions), path.name


def test_a_heading_stays_with_a_list_whose_first_item_is_one_line(tmp_path):
    """KeepWithFirstLines keeps a heading where it is when two lines of what follows fit under it. A list splits
    into its items, and only the first was measured: one line short of two, the heading and a whole 8-item list
    moved to the next page and left half a page blank (the Spanish aftercare booklet)."""
    import io

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import ListFlowable, ListItem, Paragraph
    from reportlab.platypus.doctemplate import ActionFlowable

    from handouts.pdf.pdfdoc import KeepWithFirstLines

    body = ParagraphStyle("body", fontSize=10, leading=14)
    heading = Paragraph("A heading", ParagraphStyle("h", fontSize=14, leading=18, keepWithNext=1))
    items = ListFlowable([ListItem([Paragraph(text, body)]) for text in ("One line.", "Two.", "Three.", "Four.")])
    kept = type("Kept", (KeepWithFirstLines,), {"min_height": body.leading * 2 - 0.5})([heading, items])
    canvas = Canvas(io.BytesIO())
    room = 18 + 14 * 3   # the heading and three lines: not the whole list
    kept.wrapOn(canvas, 300, room)
    parts = kept.splitOn(canvas, 300, room)
    assert parts[0] is heading and not any(isinstance(p, ActionFlowable) for p in parts), parts
    assert len(parts) == 5   # the heading, then the four items, placed as they fit
    tight = kept.splitOn(canvas, 300, 18 + 14 * 1.2)   # room for one line only: both move on together
    assert not tight or tight[0] is not heading
