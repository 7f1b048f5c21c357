"""handouts.pdf.pdfbytes writes what reportlab's PDFDocEncoding code writes, byte for byte."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfdoc as rl

from handouts.pdf.pdfbytes import pdfdoc_bytes, same_as_pdfdoc, text_string


def _reportlab(encode, text):
    try:
        return encode(text)
    except (UnicodeEncodeError, ValueError):
        return None


@pytest.mark.parametrize("codec", ["extpdfdoc", "pdfdoc"])
def test_ascii_is_taken_as_ascii_exactly_where_both_codecs_agree(codec):
    for code in range(256):
        char = chr(code)
        same = _reportlab(lambda t: t.encode(codec), char) == char.encode("latin-1")
        assert same_as_pdfdoc(char) == (same and code < 128), hex(code)
    assert not same_as_pdfdoc("abc\x18") and same_as_pdfdoc("q 1 0 0 1 0 0 cm\n/F1 12 Tf (a\\) b) Tj")


TEXTS = ["", "Back mouse", "(MRI) \\ back\tslash\n", "café – “quotes” €", "ü\x18", "ظهر الفأر (MRI)",
         "पीठ का चूहा", "后背的鼠标", "a\u0000b", "ﬁ ligature", "\ud7ff\U0001f600"]


@pytest.mark.parametrize("text", TEXTS)
def test_text_strings_and_encodings_are_reportlabs(text):
    document = rl.PDFDocument(invariant=1)
    assert text_string(rl.PDFString(text), document) == rl.format(rl.PDFString(text), document)
    assert text_string(rl.PDFString(text.encode("utf-8")), document) == rl.format(
        rl.PDFString(text.encode("utf-8")), document)   # bytes go reportlab's own way
    escaped = f"({text})"
    assert _reportlab(pdfdoc_bytes, escaped) == _reportlab(rl.pdfdocEnc, escaped)   # refused alike, too


def test_an_encrypted_documents_strings_are_left_to_reportlab():
    from reportlab.lib.pdfencrypt import StandardEncryption

    document = rl.PDFDocument(invariant=1)
    encryption = StandardEncryption("secret", canPrint=1)
    encryption.prepare(document)
    document.encrypt = encryption
    encryption.register(7, 0)
    assert text_string(rl.PDFString("Ana López"), document) == rl.format(rl.PDFString("Ana López"), document)


def test_numbers_array_is_the_array_reportlab_formats_and_is_kept():
    """A subset's /Widths written from bytes formatted once (pdfbytes.numbers_array): reportlab's own bytes,
    line breaks every ten numbers included, the same object for the same numbers; numbers only."""

    import pytest
    from reportlab.pdfbase import pdfdoc as rl

    from handouts.pdf.pdfbytes import Formatted, numbers_array

    document = rl.PDFDocument(invariant=1)
    widths = tuple([500, 0, 278, 1000, 556] * 60)   # 300 numbers
    made = numbers_array(widths)
    assert isinstance(made, Formatted)
    assert made.format(document) == rl.format(rl.PDFArray(list(widths)), document)
    assert b"\n" in made.format(document)
    assert numbers_array(tuple(widths)) is made
    assert numbers_array((0.5, 2)).format(document) == rl.format(rl.PDFArray([0.5, 2]), document) == b"[ .5 2 ]"
    with pytest.raises(TypeError):
        numbers_array(("/Name", 1))
