"""Exercise plans: the library validates, a plan file builds one patient's copy with a "Your exercises" part
(steps with pictures, the dose, stop-if notes, video QR, a two-week log), and an impossible plan is one line
naming the field, with nothing written."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.config.exercise_plan import plan_from_data, resolve_plan
from handouts.content.exercises import exercise_ids, exercise_languages, read_exercise, read_exercise_text
from handouts.content.model import LEVELS
from handouts.errors import PlanError
from handouts.figures import EXERCISE_FIGURE_IDS, FIGURE_IDS, label_keys
from handouts.pdf.exercises import numeral
from tests.conftest import CONTENT, LAYOUTS
from tests.pdfread import form_names, normalized

PATIENT = "Ana López"
PLAN = {
    "topic": "back-mouse", "lang": "en", "level": "standard", "layout": "leaflet", "paper": "a4",
    "patient": PATIENT, "clinician": "J. Smith, PT", "note": "Heat 15 min before the exercises",
    "exercises": [{"id": "knee-to-chest", "sets": 2, "reps": 10, "hold_seconds": 20, "per_day": 2},
                  {"id": "lower-trunk-rotation", "sets": 3, "reps": 8, "per_day": 3}],
}


def write_plan(tmp_path: Path, **changes) -> Path:
    plan = {**PLAN, **changes}
    plan = {k: v for k, v in plan.items() if v is not None}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return path


def build_plan(tmp_path: Path, *extra: str, **changes):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--plan", str(write_plan(tmp_path, **changes)), "--out", str(out),
                                       *extra])
    return result, out


def only_pdf(out: Path) -> Path:
    (copy,) = out.glob("*.pdf")
    return copy


@pytest.fixture(scope="module")
def plan_copy(tmp_path_factory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("plan")
    result, out = build_plan(tmp)
    assert result.exit_code == 0, result.output
    return only_pdf(out), result.output


def test_the_library_has_six_exercises_that_validate_at_every_level():
    ids = exercise_ids(CONTENT)
    assert len(ids) >= 6
    for exercise_id in ids:
        exercise = read_exercise(CONTENT, exercise_id)
        assert exercise.sources and all(s.url.startswith("https://") for s in exercise.sources)
        assert "en" in exercise_languages(exercise)
        for fig_id in exercise.figures:
            assert fig_id in EXERCISE_FIGURE_IDS and fig_id not in FIGURE_IDS
        for lang in exercise_languages(exercise):
            for level in LEVELS:
                text = read_exercise_text(exercise, lang, level)
                assert len(text.steps) == len(exercise.figures)
                for fig_id in exercise.figures:
                    words = text.figures[fig_id]
                    assert words.alt and set(label_keys(fig_id)) <= set(words.labels)


def test_the_copy_has_each_exercise_with_steps_dose_and_log(plan_copy):
    copy, _ = plan_copy
    text = normalized(copy)
    for expected in ("Your exercises", "1. Knee to chest", "2. Knee rolls", "Starting position",
                     "Pull it in gently", "Stop and ask your physiotherapist", "20 seconds", "No hold",
                     "My two-week exercise log", "Week 1", "Week 2", "Times a day", "What is a back mouse?"):
        assert expected in text, expected
    # the dose is in the table's row of values, in the table's order: sets, reps, hold, times a day
    assert re.search(r"Sets Repetitions Hold Times a day 2 10 20 seconds 2", text)
    assert re.search(r"Sets Repetitions Hold Times a day 3 8 No hold 3", text)
    # a picture beside each step: one form per exercise and figure, three steps each
    forms = [name for name in form_names(copy) if "-ex-" in name]
    assert {f.split("-ex-")[0].split("Fig-")[-1] for f in forms} == {"knee-to-chest", "lower-trunk-rotation"}
    assert len(forms) >= 4   # knee to chest: start and pull; knee rolls: start and roll (reused per step)


def test_the_steps_pictures_have_their_alt_text_in_the_structure_tree(plan_copy):
    copy, _ = plan_copy
    with pikepdf.open(copy) as pdf:
        alts = [str(node.get("/Alt")) for node in _struct_nodes(pdf.Root.StructTreeRoot) if "/Alt" in node]
    assert any("hugging one knee towards the chest" in alt for alt in alts)
    assert any("rolled to one side" in alt for alt in alts)


def _struct_nodes(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _struct_nodes(kid)


def test_a_video_gets_a_qr_code_and_a_link(plan_copy):
    copy, _ = plan_copy
    video = read_exercise(CONTENT, "lower-trunk-rotation").video
    assert video
    uris = [str(a.get_object()["/A"]["/URI"]) for page in PdfReader(copy).pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert video in uris
    assert read_exercise(CONTENT, "knee-to-chest").video == ""   # none: no QR code, nothing to link


def test_the_name_is_on_the_page_only(plan_copy):
    copy, output = plan_copy
    assert PATIENT in normalized(copy)
    assert "López" not in copy.name and "Lopez" not in copy.name.title()
    assert PATIENT not in output and "López" not in output
    meta = PdfReader(copy).metadata
    assert all(PATIENT not in str(value) for value in meta.values())
    with pikepdf.open(copy) as pdf:
        assert "López" not in str(pdf.open_metadata())


def test_distinct_patients_get_distinct_files_and_one_patient_is_not_overwritten(tmp_path):
    first, out = build_plan(tmp_path)
    second, _ = build_plan(tmp_path, patient="Ana Lopes")
    assert first.exit_code == 0 and second.exit_code == 0, (first.output, second.output)
    assert len(list(out.glob("*.pdf"))) == 2
    again, _ = build_plan(tmp_path)
    assert again.exit_code == 1 and "--force" in again.output


def test_an_encrypted_plan_copy_opens_only_with_the_password(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_PDF_PASSWORD", "physio secret")
    result, out = build_plan(tmp_path, "--encrypt")
    assert result.exit_code == 0, result.output
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(only_pdf(out))
    with pikepdf.open(only_pdf(out), password="physio secret") as pdf:
        assert len(pdf.pages) > 1


def test_exercises_alone_make_a_copy_without_a_leaflet(tmp_path):
    result, out = build_plan(tmp_path, topic=None, level="easy",
                             exercises=[{"id": "bridge", "sets": 1, "reps": 5, "hold_seconds": 5, "per_day": 1}])
    assert result.exit_code == 0, result.output
    text = normalized(only_pdf(out))
    assert "Your exercise plan" in text and "1. Bridge" in text
    assert "Lift your hips up" in text            # the easy wording
    assert "What is a back mouse?" not in text
    assert only_pdf(out).name.startswith("exercises_en_easy_leaflet_a4_")
    assert "Patient information team" in text and "handouts" not in text.lower()   # the header names no tool


def test_a_copy_of_exercises_alone_names_its_publisher_in_its_language(tmp_path):
    result, out = build_plan(tmp_path, topic=None, level="easy", lang="es",
                             exercises=[{"id": "bridge", "sets": 1, "reps": 5, "hold_seconds": 5, "per_day": 1}])
    assert result.exit_code == 0, result.output
    text = normalized(only_pdf(out))
    assert "Equipo de información al paciente" in text and "Patient information team" not in text


@pytest.mark.parametrize("changes, field", [
    ({"exercises": [{"id": "knee-to-chset", "sets": 1, "reps": 5}]}, "exercises[0].id"),
    ({"exercises": [{"id": "bridge", "sets": 0, "reps": 5}]}, "exercises[0].sets"),
    ({"exercises": [{"id": "bridge", "sets": 1, "reps": 500}]}, "exercises[0].reps"),
    ({"exercises": [{"id": "bridge", "sets": 1, "reps": 5, "hold_seconds": -3}]}, "exercises[0].hold_seconds"),
    ({"exercises": [{"id": "bridge", "sets": 1, "reps": 5, "per_day": 2.5}]}, "exercises[0].per_day"),
    ({"exercises": [{"id": "bridge", "sets": "two", "reps": 5}]}, "exercises[0].sets"),
    ({"exercises": [{"id": "bridge", "sets": 1, "reps": 5, "weight": 3}]}, "exercises[0].weight"),
    ({"level": "hard"}, "level"),
    ({"paper": "a3"}, "paper"),
    ({"lang": "xx"}, "lang"),
    ({"topic": "back-mice"}, "topic"),
    ({"patient": ""}, "patient"),
    ({"patient": None}, "patient"),
])
def test_an_impossible_plan_names_the_field_and_writes_nothing(tmp_path, changes, field):
    result, out = build_plan(tmp_path, **changes)
    assert result.exit_code == 1, result.output
    assert (f"field '{field}'" in result.output or f"unknown key '{field}'" in result.output) \
        and "plan.yaml" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not list(out.glob("*.pdf")) if out.exists() else True


def test_a_name_no_font_of_the_language_has_names_the_plan_field(tmp_path):
    result, out = build_plan(tmp_path, patient="李雷")   # English fonts have no Chinese
    assert result.exit_code == 1, result.output
    assert "plan.yaml field 'patient'" in result.output and "internal error" not in result.output
    assert not list(out.glob("*.pdf"))


def test_unknown_exercise_gets_a_did_you_mean(tmp_path):
    result, _ = build_plan(tmp_path, exercises=[{"id": "knee-to-chset", "sets": 1, "reps": 5}])
    assert "did you mean 'knee-to-chest'" in result.output


def test_malformed_plans_are_one_line(tmp_path):
    path = tmp_path / "plan.yaml"
    for content in ("topic: [unclosed", "- just\n- a list\n", "lang: en\npatient: A\n"):
        path.write_text(content, encoding="utf-8")
        result = CliRunner().invoke(main, ["build", "--plan", str(path), "--out", str(tmp_path / "out")])
        assert result.exit_code == 1, result.output
        assert "plan.yaml" in result.output and "internal error" not in result.output
    assert "give a 'topic', some 'exercises', or both" in result.output


def test_plan_conflicts_and_tri_folds_are_usage_errors(tmp_path):
    path = write_plan(tmp_path)
    result = CliRunner().invoke(main, ["build", "--plan", str(path), "--lang", "es", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--lang" in result.output
    result, _ = build_plan(tmp_path, layout="trifold")
    assert result.exit_code == 2 and "no room for exercises" in result.output


def test_a_duplicate_exercise_is_refused():
    with pytest.raises(PlanError, match="listed twice"):
        plan_from_data({**PLAN, "exercises": [{"id": "bridge", "sets": 1, "reps": 5}] * 2}, where="request")


def test_resolved_plan_carries_the_dose_and_the_level_wording():
    plan = plan_from_data({**PLAN, "level": "easy"}, where="request")
    resolved = resolve_plan(plan, CONTENT, where="request")
    first = resolved.personal.exercises[0]
    assert (first.dose.sets, first.dose.reps, first.dose.hold_seconds, first.dose.per_day) == (2, 10, 20, 2)
    assert first.text.steps[1].startswith("Pull one knee to your chest")   # easy, not the standard wording


def test_numbers_use_the_languages_own_digits():
    def ctx(locale: str):
        return SimpleNamespace(language=SimpleNamespace(locale=locale))

    assert numeral(ctx("en_GB"), 20) == "20"
    assert numeral(ctx("mr_IN"), 20) == "२०"    # Marathi's default numbering system is Devanagari
    assert numeral(ctx("fa_IR"), 12) == "۱۲"    # Persian's is extended Arabic-Indic


def test_exercises_command_lists_the_library():
    result = CliRunner().invoke(main, ["exercises"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(exercise_ids(CONTENT)) >= 6
    assert lines[0].startswith("knee-to-chest: Knee to chest [3 steps")
    assert any("video" in line for line in lines)
    result = CliRunner().invoke(main, ["exercises", "--lang", "xx"])
    assert result.exit_code == 2 and "unknown language" in result.output


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "pt", "vi", "ar", "zh-Hans", "hi"])
def test_a_plan_builds_in_every_language_with_its_pictures_and_dose(tmp_path, lang):
    from handouts.content.languages import load_language
    from handouts.document import local_number

    result, out = build_plan(tmp_path, lang=lang, level="easy", topic=None,
                             exercises=[{"id": "cat-camel", "sets": 3, "reps": 12, "hold_seconds": 15, "per_day": 2}])
    assert result.exit_code == 0, result.output
    copy = only_pdf(out)
    figures = read_exercise(CONTENT, "cat-camel").figures
    forms = {name.split("Fig-")[-1].rsplit("-", 1)[0] for name in form_names(copy) if "Fig-cat-camel-" in name}
    assert forms == {f"cat-camel-{fig}" for fig in figures}   # every step's picture, with this language's labels
    language = load_language(CONTENT, lang)
    text = read_exercise_text(read_exercise(CONTENT, "cat-camel"), lang, "easy")
    assert (text.status == "reviewed") == (lang == "en")       # translations are drafts until reviewed
    if not language.rtl and not language.extra.get("shaping"):  # text that pypdf extracts as written
        page_text = normalized(copy).replace(" ", "")
        for expected in (text.name, language.s("exercise_seconds", n=local_number(15, language.locale))):
            assert expected.replace(" ", "") in page_text, expected


def test_every_exercise_picture_stays_in_its_box_with_each_languages_labels():
    """A long translation wraps or shrinks inside the tile instead of running off the picture."""
    from handouts.figures import DEFAULT_PALETTE, FigureStyle, draw_figure
    from handouts.text.fonts import FontLibrary, font_chain
    from handouts.content.languages import load_language

    fonts = FontLibrary(LAYOUTS)
    checked = 0
    for lang in ("en", "de", "ar", "hi", "zh-Hans"):
        language = load_language(CONTENT, lang)
        chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), lang)
        style = FigureStyle(chain.primary.name, chain.primary.face("bold").name, DEFAULT_PALETTE, language.rtl,
                            chain=chain)
        for exercise_id in exercise_ids(CONTENT):
            text = read_exercise_text(read_exercise(CONTENT, exercise_id), lang, "standard")
            for fig_id, words in text.figures.items():
                drawing = draw_figure(fig_id, words.labels, style, 220)
                x0, y0, x1, y1 = drawing.getBounds()
                assert x0 >= -1 and y0 >= -1 and x1 <= drawing.width + 1 and y1 <= drawing.height + 1, \
                    (lang, exercise_id, fig_id, (x0, y0, x1, y1))
                checked += 1
    assert checked == 5 * sum(len(set(read_exercise(CONTENT, i).figures)) for i in exercise_ids(CONTENT))
