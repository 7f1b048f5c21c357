"""AES-256 encryption: opens with the password and not without; where the password comes from."""

from __future__ import annotations

import io

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from handouts.post.encryption import PASSWORD_ENV, encrypt_pdf, password_from_env_or_prompt
from handouts.errors import HandoutsError
from tests.test_imposition import numbered_pdf


def test_opens_with_the_password_and_not_without():
    locked = encrypt_pdf(numbered_pdf(2, title="Back mouse"), "correct horse")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert reader.decrypt("wrong").name == "NOT_DECRYPTED"
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()

    reader = PdfReader(io.BytesIO(locked))
    assert reader.decrypt("correct horse").name in ("USER_PASSWORD", "OWNER_PASSWORD")
    assert [p.extract_text().strip() for p in reader.pages] == ["P1", "P2"]
    assert reader.metadata.title == "Back mouse"
    encrypt = reader.trailer["/Encrypt"]
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6)  # AES-256, as in ISO 32000-2
    assert encrypt["/CF"]["/StdCF"]["/CFM"] == "/AESV3"


def test_empty_password_and_double_encryption_are_refused():
    with pytest.raises(HandoutsError, match="empty"):
        encrypt_pdf(numbered_pdf(1), "")
    with pytest.raises(HandoutsError, match="already encrypted"):
        encrypt_pdf(encrypt_pdf(numbered_pdf(1), "x"), "y")


@click.command()
def ask() -> None:
    click.echo(f"got [{password_from_env_or_prompt()}]")


def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "from env")
    result = CliRunner().invoke(ask, [])
    assert result.exit_code == 0 and "got [from env]" in result.output


def test_empty_environment_password_is_refused(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "")
    result = CliRunner().invoke(ask, [])
    assert result.exit_code == 1
    assert f"{PASSWORD_ENV} is set but empty" in result.output


def test_prompt_asks_twice_hidden(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(ask, [], input="typed pw\ntyped pw\n")
    assert result.exit_code == 0, result.output
    assert "got [typed pw]" in result.output
    assert result.output.count("typed pw") == 1  # hidden input is not echoed


def test_prompt_with_empty_answer_is_refused(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(ask, [], input="\n\n")
    assert result.exit_code == 1
    assert "empty PDF password" in result.output


def test_no_environment_and_no_input_gives_a_clear_error(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(ask, [])  # no input: the prompt meets end of file, as in CI
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: no PDF password:") and PASSWORD_ENV in last
