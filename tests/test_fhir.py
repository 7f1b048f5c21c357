"""`build --fhir` and `handouts fhir bundle`, read back from real builds: every record validates as a FHIR R4
(R4B models of fhir.resources) DocumentReference, its size and SHA-1 match the PDF, the bytes are the same on a
rebuild, the records are outputs of the manifest (rebuilt when changed, pruned, merged from shards), and a
personalised copy's record carries nothing of the patient."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
import uuid
from pathlib import Path

import pydantic
import pytest
import yaml
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.documentreference import DocumentReference

from handouts.cli import main
from handouts.record.fhir import NAMESPACE
from tests.trees import english_tree

EPOCH = "1767225600"   # 2026-01-01T00:00:00Z
MATRIX = ["--topic", "back-mouse", "--lang", "en", "--lang", "es", "--level", "easy", "--layout", "leaflet",
          "--paper", "a4", "--jobs", "1", "-q", "--fhir"]
PATIENT = "Ana López"
# Required bindings, which fhir.resources does not check: R4 DocumentReference.status (document-reference-status)
# and docStatus (composition-status).
R4_DOCUMENT_REFERENCE_STATUS = {"current", "superseded", "entered-in-error"}
R4_COMPOSITION_STATUS = {"preliminary", "final", "amended", "entered-in-error"}


def run(*args: str, epoch: str | None = EPOCH):
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": epoch})


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def records(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*.pdf.fhir.json"))}


def validated(path: Path) -> DocumentReference:
    return DocumentReference.model_validate_json(path.read_bytes())


def sha1_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """One build of two documents (reviewed English, draft Spanish), the same build again, and its two shards."""
    root = tmp_path_factory.mktemp("fhir")
    for name, extra in (("single", ()), ("again", ()), ("shard1", ("--shard", "1/2")), ("shard2", ("--shard", "2/2"))):
        result = run("build", *MATRIX, *extra, "--out", str(root / name))
        assert result.exit_code == 0, result.output
    return {name: root / name for name in ("single", "again", "shard1", "shard2")}


def test_every_pdf_has_a_valid_document_reference_whose_hash_and_size_are_the_files(builds):
    out = builds["single"]
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert len(pdfs) == 2 and sorted(records(out)) == [f"{pdf}.fhir.json" for pdf in pdfs]
    for pdf in pdfs:
        reference = validated(out / f"{pdf}.fhir.json")
        data = (out / pdf).read_bytes()
        (content,) = reference.content
        attachment = content.attachment
        assert attachment.size == len(data)
        assert attachment.hash == hashlib.sha1(data).digest()         # the library decodes base64Binary
        raw = json.loads((out / f"{pdf}.fhir.json").read_text(encoding="utf-8"))
        assert raw["content"][0]["attachment"]["hash"] == sha1_b64(data)   # as written: base64 of the SHA-1
        assert attachment.contentType == "application/pdf"
        assert (out / attachment.url).read_bytes() == data          # relative to the output directory
        lang = pdf.split("/")[1]
        assert reference.language == attachment.language == lang
        (coding,) = reference.type.coding
        assert (coding.system, coding.code) == ("http://loinc.org", "69730-0")
        assert reference.status == "current" and reference.status in R4_DOCUMENT_REFERENCE_STATUS
        assert reference.docStatus in R4_COMPOSITION_STATUS and reference.category[0].text
        assert reference.subject is None                             # a library leaflet is nobody's record
        assert reference.docStatus == ("final" if lang == "en" else "preliminary")   # es is a draft translation
        moment = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.timezone.utc)
        assert reference.date == moment and attachment.creation == moment
        assert reference.author[0].display == {"en": "Patient information team",   # the topic's publisher, in
                                               "es": "Equipo de información al paciente"}[lang]   # the language
        assert attachment.title == reference.description and attachment.title.startswith(
            "Back mouse" if lang == "en" else "Ratón de espalda")
        assert reference.id == str(uuid.uuid5(NAMESPACE, pdf))


def test_the_validator_refuses_what_fhir_forbids(builds):
    """The checks above mean something: the same library rejects a record that breaks R4's structure (it does
    not check code bindings, so the tests above compare status and docStatus with R4's value sets themselves)."""
    (path,) = [p for name, p in records(builds["single"]).items() if "/en/" in name]
    good = json.loads(path.read_text(encoding="utf-8"))
    attachment = good["content"][0]["attachment"]
    for broken in ({**good, "date": "2026-01-01"},                                   # an instant needs a time
                   {key: value for key, value in good.items() if key != "content"},  # content is 1..*
                   {**good, "title": "x"},                                           # no such element
                   {**good, "content": [{"attachment": {**attachment, "size": -1}}]},
                   {**good, "content": [{"attachment": {**attachment, "hash": "not base64!"}}]}):
        with pytest.raises(pydantic.ValidationError):
            DocumentReference.model_validate(broken)


def test_the_manifest_names_each_record_with_its_hash(builds):
    out = builds["single"]
    for entry in manifest(out)["documents"]:
        record = entry["fhir"]
        assert record["path"] == entry["path"] + ".fhir.json"
        data = (out / record["path"]).read_bytes()
        assert record["bytes"] == len(data) and record["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_rebuild_writes_the_same_bytes(builds):
    assert tree(builds["single"]) == tree(builds["again"])


def test_the_bundle_is_every_record_in_manifest_order(builds, tmp_path):
    out = builds["single"]
    result = run("fhir", "bundle", str(out), "-o", str(tmp_path / "bundle.json"))
    assert result.exit_code == 0, result.output
    data = (tmp_path / "bundle.json").read_bytes()
    bundle = Bundle.model_validate_json(data)
    assert bundle.type == "collection"
    paths = [entry["path"] for entry in manifest(out)["documents"]]
    assert [entry.resource.content[0].attachment.url for entry in bundle.entry] == paths
    for entry, path in zip(bundle.entry, paths):
        assert isinstance(entry.resource, DocumentReference)
        assert entry.fullUrl == f"urn:uuid:{uuid.uuid5(NAMESPACE, path)}" == f"urn:uuid:{entry.resource.id}"
        assert json.loads(data)["entry"][paths.index(path)]["resource"] == \
            json.loads((out / f"{path}.fhir.json").read_text(encoding="utf-8"))
    again = run("fhir", "bundle", str(builds["again"]))   # default: DIR/bundle.fhir.json
    assert again.exit_code == 0, again.output
    assert (builds["again"] / "bundle.fhir.json").read_bytes() == data


def test_merged_shards_carry_their_records_and_equal_the_single_build(builds, tmp_path):
    for shard in ("shard1", "shard2"):
        assert all("fhir" in entry for entry in manifest(builds[shard])["documents"])
    merged = tmp_path / "merged"
    result = run("manifest", "merge", str(builds["shard1"]), str(builds["shard2"]), "-o", str(merged))
    assert result.exit_code == 0, result.output
    assert tree(merged) == tree(builds["single"])


def test_a_shard_whose_record_changed_is_refused(builds, tmp_path):
    shard1, shard2 = tmp_path / "s1", tmp_path / "s2"
    shutil.copytree(builds["shard1"], shard1)
    shutil.copytree(builds["shard2"], shard2)
    (name, record), *_ = records(shard1).items()
    record.write_bytes(record.read_bytes().replace(b'"current"', b'"entered-in-error"'))
    result = run("manifest", "merge", str(shard1), str(shard2), "-o", str(tmp_path / "merged"))
    assert result.exit_code != 0 and "internal error" not in result.output
    assert name.removesuffix(".fhir.json") in result.output and not (tmp_path / "merged").exists()


def test_builds_with_and_without_fhir_are_different_plans(builds):
    with_fhir = json.loads(run("build", *MATRIX, "--dry-run", "--json", "--out", str(builds["single"])).output)
    without = json.loads(run("build", *MATRIX[:-1], "--dry-run", "--json", "--out", str(builds["single"])).output)
    assert not any(d["build"] for d in with_fhir["documents"]) and all(d["build"] for d in without["documents"])
    assert with_fhir["plan"]["hash"] != without["plan"]["hash"]


def test_records_are_rebuilt_pruned_and_removed_like_their_pdfs(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy", "standard"))
    out = tmp_path / "out"
    args = ["build", "--content", str(content), "--layouts", str(layouts), "--paper", "a4", "--jobs", "1", "-q",
            "--out", str(out)]
    assert run(*args, "--fhir").exit_code == 0
    easy, standard = (f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf.fhir.json" for level in
                      ("easy", "standard"))
    assert sorted(records(out)) == [easy, standard]

    (out / easy).unlink()                      # a missing record: its document is rebuilt, record and all
    result = run(*args, "--fhir", "--json")
    assert [e["path"] + ".fhir.json" for e in json.loads(result.output)["built"]] == [easy]
    validated(out / easy)

    (content / "back-mouse" / "en" / "standard.md").unlink()   # a document that no longer exists
    result = run(*args, "--fhir", "--prune", "--json")
    assert json.loads(result.output)["pruned"] == [standard.removesuffix(".fhir.json")]
    assert sorted(records(out)) == [easy]

    assert run(*args).exit_code == 0           # without --fhir: rebuilt, and no record describes an older file
    assert records(out) == {} and all("fhir" not in e for e in manifest(out)["documents"])


def test_a_personalised_copy_has_a_placeholder_subject_and_no_trace_of_the_patient(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--topic", "back-mouse", "--lang", "es", "--level", "easy", "--paper", "a4",
                 "--patient", PATIENT, "--clinician", "J. Smith, PT", "--note", "Calor 15 min", "--fhir",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("*.pdf")
    record = pdf.with_name(pdf.name + ".fhir.json")
    text = record.read_text(encoding="utf-8")
    for trace in (PATIENT, "López", "Lopez", "L\\u00f3pez", "Ana "):
        assert trace.lower() not in text.lower()
    reference = validated(record)
    assert reference.subject.type == "Patient" and reference.subject.reference == "Patient/PLACEHOLDER"
    attachment = reference.content[0].attachment
    assert attachment.url == pdf.name and attachment.hash == hashlib.sha1(pdf.read_bytes()).digest()
    assert reference.docStatus == "preliminary" and reference.language == "es"

    again = run("build", "--topic", "back-mouse", "--lang", "es", "--level", "easy", "--paper", "a4",
                "--patient", PATIENT, "--clinician", "J. Smith, PT", "--note", "Calor 15 min", "--fhir", "--force",
                "--out", str(out))
    assert again.exit_code == 0 and record.read_text(encoding="utf-8") == text   # same copy, same record


def test_a_plan_copy_of_exercises_alone_gets_a_record(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump({"lang": "en", "level": "easy", "layout": "leaflet", "paper": "a4",
                                    "patient": PATIENT, "clinician": "J. Smith, PT",
                                    "exercises": [{"id": "bridge", "sets": 1, "reps": 5, "per_day": 1}]},
                                   allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--plan", str(plan), "--fhir", "--out", str(out))
    assert result.exit_code == 0, result.output
    (record,) = out.glob("*.fhir.json")
    assert PATIENT not in record.read_text(encoding="utf-8")
    reference = validated(record)
    assert reference.subject.reference == "Patient/PLACEHOLDER" and reference.content[0].attachment.title


def test_the_clinic_is_the_author_of_a_branded_build(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: "Smith & Jones Physio"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--topic", "back-mouse", "--lang", "en", "--level", "easy", "--paper", "letter",
                 "--clinic", str(profile), "--fhir", "-q", "--out", str(out))
    assert result.exit_code == 0, result.output
    (record,) = records(out).values()
    assert [author.display for author in validated(record).author] == ["Smith & Jones Physio"]


@pytest.mark.parametrize("prepare, needle", [
    (lambda d: None, "no manifest.json"),
    (lambda d: (d / "manifest.json").write_text('{"generator": "handouts", "documents": []}'), "no FHIR records"),
    (lambda d: (d / "manifest.json").write_text("{not json"), "not valid JSON"),
])
def test_a_bundle_of_a_folder_without_records_is_one_line(tmp_path, prepare, needle):
    folder = tmp_path / "dir"
    folder.mkdir()
    prepare(folder)
    result = run("fhir", "bundle", str(folder))
    assert result.exit_code != 0 and "internal error" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0] and str(folder) in lines[0], result.output
    assert not (folder / "bundle.fhir.json").exists()


def test_a_folder_where_a_record_goes_fails_that_document_in_one_line(tmp_path):
    content, layouts = english_tree(tmp_path, levels=("easy",))
    out = tmp_path / "out"
    blocker = out / "back-mouse/en/back-mouse_en_easy_leaflet_a4.pdf.fhir.json"
    blocker.mkdir(parents=True)
    args = ["build", "--content", str(content), "--layouts", str(layouts), "--paper", "a4", "--jobs", "1", "-q",
            "--out", str(out)]
    result = run(*args, "--fhir")
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert "cannot write" in line and str(blocker) in line
    assert manifest(out)["documents"] == []            # the manifest names no document without its record
    result = run(*args)                                # without --fhir the folder is not the build's business
    assert result.exit_code == 0 and blocker.is_dir(), result.output
