"""The declarative schemas: unknown keys and wrong types fail naming the file, the dotted field and the closest
valid key; every project file validates; `handouts schema` writes JSON Schema that accepts the project's files."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from handouts.cli import main
from handouts.config.editor_schemas import KINDS, SCHEMAS
from handouts.config.layouts import load_layout
from handouts.content.reader import split_document
from tests.trees import english_tree, replace_in

ROOT = Path(__file__).resolve().parents[1]
CONTENT, LAYOUTS = ROOT / "content", ROOT / "layouts"


def project_files() -> list[tuple[str, Path]]:
    """Every YAML file of the project with its kind (front matter: every level file)."""
    files = [("fonts", LAYOUTS / "fonts.yaml")]
    files += [("layout", p) for p in sorted(LAYOUTS.glob("*.yaml")) if p.stem != "fonts"]
    files += [("language", p) for p in sorted((CONTENT / "languages").glob("*.yaml"))]
    files += [("topic", p) for p in sorted(CONTENT.glob("*/topic.yaml"))]
    files += [("figures", p) for p in sorted(CONTENT.glob("*/*/figures.yaml"))]
    files += [("front-matter", p) for p in sorted(CONTENT.glob("*/*/*.md"))]
    files += [("clinic", p) for p in sorted((ROOT / "tests" / "fixtures").rglob("clinic*.yaml"))]
    return files


def data_of(kind: str, path: Path):
    return split_document(path).meta if kind == "front-matter" else yaml.safe_load(path.read_text("utf-8")) or {}


def as_json(value):
    """What a YAML editor hands a JSON Schema: unquoted dates are strings there."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, _dt.date) else value


def test_the_project_has_files_of_every_kind_but_clinic():
    kinds = {kind for kind, _ in project_files()}
    assert kinds >= set(KINDS) - {"clinic"}
    assert len(project_files()) > 40


@pytest.mark.parametrize("kind, path", project_files(), ids=lambda v: str(v.relative_to(ROOT))
                         if isinstance(v, Path) else v)
def test_every_project_file_validates(kind, path):
    SCHEMAS[kind].model_validate(data_of(kind, path))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_handouts_schema_writes_valid_json_schema_that_accepts_the_project_files(tmp_path):
    result = run("schema", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {f"{kind}.schema.json" for kind in KINDS}
    schemas = {kind: json.loads((tmp_path / f"{kind}.schema.json").read_text("utf-8")) for kind in KINDS}
    for kind, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"].endswith("2020-12/schema")
    for kind, path in project_files():
        jsonschema.Draft202012Validator(schemas[kind]).validate(as_json(data_of(kind, path)))


def test_the_json_schema_refuses_what_a_build_refuses():
    layout = json.loads(run("schema", "layout").output)
    data = as_json(yaml.safe_load((LAYOUTS / "leaflet.yaml").read_text("utf-8")))
    validator = jsonschema.Draft202012Validator(layout)
    for change in ({"gutr": "2mm"}, {"gutter": "-2mm"}, {"gutter": "seven"}, {"papers": ["a3"]},
                   {"colours": {**data["colours"], "ink": "black"}}):
        assert not validator.is_valid({**data, **change}), change
    assert validator.is_valid(data)


def _descriptions_missing(schema: dict) -> list[str]:
    missing = []
    definitions = [("", schema), *schema.get("$defs", {}).items()]
    definitions += [(name, option) for name, definition in list(definitions) for option in definition.get("anyOf", [])]
    for name, definition in definitions:
        for field, spec in definition.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    return missing


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_description_an_editor_can_show(kind):
    schema = json.loads(run("schema", kind).output)
    assert schema["title"] == f"handouts {kind}"
    assert not _descriptions_missing(schema)


def test_schema_without_a_kind_or_a_folder_is_a_usage_error():
    result = run("schema")
    assert result.exit_code == 2 and "-o DIR" in result.output


# Unknown keys, one per file kind: the error names the file, the dotted key and the closest valid key.
UNKNOWN_KEYS = [
    ("layouts/leaflet.yaml", "gutter: 7mm", "gutr: 2mm", "unknown key 'gutr' (did you mean 'gutter'?)"),
    ("layouts/leaflet.yaml", "  standard:\n    body_size: 12", "  standard:\n    body_sise: 12",
     "unknown key 'levels.standard.body_sise' (did you mean 'body_size'?)"),
    ("layouts/leaflet.yaml", "summary: true", "sumary: true", "unknown key 'cover.sumary' (did you mean 'summary'?)"),
    ("layouts/fonts.yaml", "  italic: files/AtkinsonHyperlegible-Italic.ttf",
     "  itallic: files/AtkinsonHyperlegible-Italic.ttf",
     "unknown key 'atkinson-hyperlegible.itallic' (did you mean 'italic'?)"),
    ("content/languages/en.yaml", "script: Latn", "scirpt: Latn", "(did you mean 'script'?)"),
    ("content/languages/en.yaml", "targets: {easy: 6,", "targets: {eazy: 6,",
     "unknown key 'readability.targets.eazy' (did you mean 'easy'?)"),
    ("content/back-mouse/topic.yaml", "publisher:", "publsher:", "unknown key 'publsher' (did you mean 'publisher'?)"),
    ("content/back-mouse/topic.yaml", "  role: \"\"", "  rol: \"\"", "unknown key 'reviewer.rol' (did you mean 'role'?)"),
    ("content/back-mouse/topic.yaml", "{id: causes}", "{id: causes, rloe: signs}",
     "unknown key 'sections[1].rloe' (did you mean 'role'?)"),
    ("content/back-mouse/en/figures.yaml", "  labels:\n    spine:", "  lables:\n    spine:",
     "unknown key 'where-it-happens.lables' (did you mean 'labels'?)"),
    ("content/back-mouse/en/standard.md", "status: reviewed", "stauts: reviewed",
     "unknown key 'stauts' (did you mean 'status'?)"),
]


def _tree(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("standard",))
    return {"content": content, "layouts": layouts}


def _build(tree, *extra: str):
    return run("build", "--content", str(tree["content"]), "--layouts", str(tree["layouts"]), "--out",
               str(tree["content"].parent / "out"), "-j", "1", "--lang", "en", "--level", "standard", "--paper",
               "a4", *extra)


def _one_line_failure(result, *needles: str) -> str:
    """The error is one line (a document's failure is named on its own line, with the summary after it)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    line = next((text for text in result.output.splitlines() if needles[0] in text), "")
    for needle in needles:
        assert needle in line, result.output
    return line


@pytest.mark.parametrize("file, old, new, needle", UNKNOWN_KEYS, ids=[c[2].split(":")[0].strip() for c in UNKNOWN_KEYS])
def test_an_unknown_key_names_file_key_and_the_closest_valid_one(tmp_path, file, old, new, needle):
    tree = _tree(tmp_path)
    base, rel = file.split("/", 1)
    path = tree[base] / rel
    replace_in(path, old, new)
    _one_line_failure(_build(tree), path.name, needle)
    assert not (tmp_path / "out" / "back-mouse").exists()


def test_an_unknown_key_in_a_clinic_profile_names_the_closest_field(tmp_path):
    tree = _tree(tmp_path)
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: Smith & Jones\nemergncy_number: "999"\n', encoding="utf-8")
    _one_line_failure(_build(tree, "--clinic", str(profile)), "clinic.yaml",
                      "unknown key 'emergncy_number' (did you mean 'emergency_number'?)")


WRONG_TYPES = [
    ("layouts/leaflet.yaml", "    body_size: 12\n", "    body_size: twelve\n",
     "field 'levels.standard.body_size' should be a number, not 'twelve'"),
    ("layouts/leaflet.yaml", "cover:\n  band_height: 46mm", "cover:\n  band_height: [46mm]",
     "field 'cover.band_height' is not a length"),
    ("layouts/leaflet.yaml", "summary: true", "summary: sometimes", "field 'cover.summary' should be true or false"),
    ("layouts/fonts.yaml", "axes: {wght: 700, wdth: 100}}\n  italic",
     "axes: {wght: 700, wdth: wide}}\n  italic", "field 'noto-sans.bold.axes.wdth' should be a number"),
    ("content/languages/en.yaml", "fallback: [noto-sans]", "fallback: [[noto-sans]]",
     "field 'fonts.fallback[0]' should be text"),
    ("content/back-mouse/topic.yaml", "  reviewed: null", "  reviewed: someday",
     "field 'reviewer.reviewed' is not a date"),
    ("content/back-mouse/en/figures.yaml", "    spine: Spine", "    spine: [Spine]",
     "field 'where-it-happens.labels.spine' should be text"),
]


@pytest.mark.parametrize("file, old, new, needle", WRONG_TYPES, ids=[c[3].split("'")[1] for c in WRONG_TYPES])
def test_a_wrong_type_names_the_dotted_field(tmp_path, file, old, new, needle):
    tree = _tree(tmp_path)
    base, rel = file.split("/", 1)
    path = tree[base] / rel
    replace_in(path, old, new)
    _one_line_failure(_build(tree), path.name, needle)


def test_a_misspelt_required_key_names_both(tmp_path):
    tree = _tree(tmp_path)
    replace_in(tree["layouts"] / "leaflet.yaml", "margins: {top:", "margins: {tpo:")
    _one_line_failure(_build(tree), "leaflet.yaml", "field 'margins.top' is missing",
                      "unknown key 'margins.tpo' (did you mean 'top'?)")


def test_front_matter_errors_name_the_line_of_the_block(tmp_path):
    tree = _tree(tmp_path)
    replace_in(tree["content"] / "back-mouse/en/standard.md", "status: reviewed", "status: final")
    _one_line_failure(_build(tree), "standard.md:2:", "field 'status': unknown status 'final'")


def test_layout_colours_stay_hex_strings_and_lengths_become_points():
    layout = load_layout(LAYOUTS, "leaflet")
    assert layout.colours["accent"] == "#1f5f8b"
    assert all(isinstance(v, str) and v.startswith("#") for v in layout.colours.values())
    assert layout.gutter == pytest.approx(7 * 72 / 25.4)
    gray = layout.for_print(grayscale=True).colours
    assert all(v[1:3] == v[3:5] == v[5:7] for v in gray.values())
    assert gray["accent_text"] == "#ffffff"


def test_the_dead_heading_weight_is_gone_and_would_now_fail(tmp_path):
    assert all("heading_weight" not in p.read_text("utf-8") for p in LAYOUTS.glob("*.yaml"))
    tree = _tree(tmp_path)
    replace_in(tree["layouts"] / "leaflet.yaml", "cover:\n", "fonts:\n  heading_weight: bold\ncover:\n")
    _one_line_failure(_build(tree), "leaflet.yaml", "unknown key 'fonts'")


def test_fields_other_changes_add_are_accepted_already():
    topic = SCHEMAS["topic"].model_validate(data_of("topic", CONTENT / "back-mouse/topic.yaml"))
    assert topic.author and topic.reviewer is not None and topic.reviewer.reviewed is None
    entry = yaml.safe_load((CONTENT / "languages/en.yaml").read_text("utf-8"))
    entry.update(jargon=["lipoma"], time_frames=["within 24 hours"])
    entry["readability"]["smog_targets"] = {"easy": 7, "standard": 9, "detailed": 12}
    language = SCHEMAS["language"].model_validate(entry)
    assert language.jargon == ["lipoma"] and language.readability.smog_targets.as_dict()["standard"] == 9
