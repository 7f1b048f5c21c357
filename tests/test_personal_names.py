"""Personalised copies: one file per patient, none named after the patient, none silently replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.errors import HandoutsError
from handouts.config.personal import SECRET_NAME, copy_name, normalised_name
from tests.pdfread import normalized


def personal(out: Path, patient: str, *extra: str, lang: str = "zh-Hans"):
    return CliRunner().invoke(main, ["build", "--topic", "back-mouse", "--lang", lang, "--level", "easy", "--paper", "a4",
                                     "--patient", patient, "--out", str(out), *extra])


NAMES = ["李雷", "韩梅梅", "محمد علي", "فاطمة الزهراء", "Νίκος Παπαδόπουλος", "Ελένη Οικονόμου",
         "Иван Петров", "Мария Иванова", "Maximilian Alexander Friedrich von Hohenberg-Schwarzenfeld I",
         "Maximilian Alexander Friedrich von Hohenberg-Schwarzenfeld II"]


def test_distinct_patients_get_distinct_names_that_do_not_carry_the_name(tmp_path):
    names = [copy_name(tmp_path, "doc", patient) for patient in NAMES]
    assert len(set(names)) == len(NAMES)
    for patient, name in zip(NAMES, names):
        for word in normalised_name(patient).split():
            assert word not in name.lower()
    # one patient, one name: spelling variants of white space and case agree, other folders differ
    assert copy_name(tmp_path, "doc", "  ana   LÓPEZ ") == copy_name(tmp_path, "doc", "Ana López")
    other = tmp_path / "other"
    other.mkdir()
    assert copy_name(other, "doc", "Ana López") != copy_name(tmp_path, "doc", "Ana López")
    assert stat.S_IMODE((tmp_path / SECRET_NAME).stat().st_mode) == 0o600


def test_a_key_symlinked_out_of_out_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.write_text("00" * 32)
    out = tmp_path / "out"
    out.mkdir()
    (out / SECRET_NAME).symlink_to(outside)
    with pytest.raises(HandoutsError, match=SECRET_NAME):
        copy_name(out, "doc", "Ana López")


def test_two_chinese_patients_get_two_copies(tmp_path):
    out = tmp_path / "out"
    for patient in ("李雷", "韩梅梅"):
        result = personal(out, patient)
        assert result.exit_code == 0, result.output
        assert patient not in result.output
    texts = [normalized(copy) for copy in out.glob("*.pdf")]
    assert len(texts) == 2
    assert sorted(patient for text in texts for patient in ("李雷", "韩梅梅") if patient in text) == ["李雷", "韩梅梅"]


def test_the_same_patient_again_needs_force(tmp_path):
    out = tmp_path / "out"
    made = personal(out, "Sam Lee", "--note", "first plan", lang="en")
    assert made.exit_code == 0, made.output
    (first,) = out.glob("*.pdf")
    assert f"Wrote 1 personalised copy: {first}" in made.output
    before = first.read_bytes()
    again = personal(out, "Sam Lee", "--note", "second plan", lang="en")
    assert again.exit_code == 1, again.output
    assert "already exists" in again.output and "--force" in again.output and "internal error" not in again.output
    assert "Sam" not in again.output
    assert first.read_bytes() == before
    forced = personal(out, "Sam Lee", "--note", "second plan", "--force", lang="en")
    assert forced.exit_code == 0, forced.output
    assert list(out.glob("*.pdf")) == [first]
    assert "second plan" in " ".join(page.extract_text() for page in PdfReader(first).pages)


@pytest.mark.parametrize("extra", [("--patient", "Sam Lee"), ("--patient", "Sam Lee", "--encrypt"),
                                   ("--note", "Heat", "--patient", "Sam Lee")])
def test_html_and_a_personal_copy_is_a_usage_error_before_any_work(tmp_path, extra):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--lang", "en", "--level", "easy", "--format", "html",
                                       "--out", str(out), *extra],
                                env={**os.environ, "HANDOUTS_PDF_PASSWORD": "pw"})
    assert result.exit_code == 2, result.output
    assert "--format html" in result.output and "--patient" in result.output
    assert not out.exists()
