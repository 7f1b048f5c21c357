"""Password protection for PDFs (AES-256, through pypdf and the `cryptography` package).

The password never comes from a command-line value, which would stay in shell history and be visible in the
process list: it comes from an environment variable or, when that is unset, from a hidden prompt typed twice.

Encrypted output is NOT deterministic: AES uses a random initialisation vector for every string and stream,
and the file key is random, so encrypting the same bytes twice gives different files (both open with the
same password). Compare or hash the unencrypted PDF instead.
"""

from __future__ import annotations

import io
import os

import click
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError

from handouts.errors import HandoutsError

PASSWORD_ENV = "HANDOUTS_PDF_PASSWORD"


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """`data` encrypted with AES-256: it opens only with `password`; once open, printing and copying are allowed.

    The owner password is the same as the user password: this protects a leaflet's contents in transit (for
    example one with a patient's details), it does not restrict what the person who opens it can do.
    """
    if not password:
        raise HandoutsError("empty PDF password", hint=f"set {PASSWORD_ENV} or type a password at the prompt")
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise HandoutsError("the PDF is already encrypted")
    writer = PdfWriter(clone_from=reader)
    try:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    except DependencyError as exc:  # pypdf's AES needs `cryptography`, an install requirement of handouts
        raise HandoutsError(f"cannot encrypt: {exc}", hint="pip install cryptography") from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def password_from_env_or_prompt(env_var: str = PASSWORD_ENV) -> str:
    """The password from `env_var`, or, when it is unset, from a hidden prompt with confirmation.

    With neither (no variable and no terminal or input to prompt on, as in CI), a one-line error says which
    variable to set. An empty password is refused either way.
    """
    value = os.environ.get(env_var)
    if value is not None:
        if not value:
            raise HandoutsError(f"{env_var} is set but empty", hint="set it to the password, or unset it to be prompted")
        return value
    try:
        value = click.prompt("PDF password", hide_input=True, confirmation_prompt=True, default="",
                             show_default=False, err=True)
    except click.exceptions.Abort:
        raise HandoutsError(f"no PDF password: {env_var} is not set and none was typed at the prompt",
                            hint=f"set {env_var}, or run the command in a terminal and type one") from None
    if not value:
        raise HandoutsError("empty PDF password", hint=f"type a password, or set {env_var}")
    return value
