"""reportlab's PDF encodings, the same bytes written without its character-by-character codec.

reportlab writes every piece of text of a PDF (a form's content stream, a text string, an object's header)
through its PDFDocEncoding codec (`pdfdoc.pdfdocEnc`, the 'extpdfdoc' codec), a character map applied in Python
at about 33 ns a character: a figure's outlines in an Arabic or Hindi leaflet, and the structure tree's
/ActualText strings (a shaped paragraph's text, in UTF-16, escaped), are hundreds of kilobytes of it. For ASCII
but 0x18-0x1F the codec gives each character's own byte, which `str.encode('ascii')` gives at memory speed; for
anything else these fall back to reportlab's own code, so the bytes never change.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from typing import Any

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfdoc as rl

# ASCII that reportlab's PDFDocEncoding codecs ('extpdfdoc', 'pdfdoc') write as the same bytes: all of it but
# 0x18-0x1F, which they map elsewhere or refuse
_AS_ASCII = re.compile(r"[\x00-\x17\x20-\x7f]*")


def same_as_pdfdoc(text: str) -> bool:
    """Whether text.encode('ascii') gives the bytes reportlab's pdfdocEnc gives for `text`."""
    return text.isascii() and _AS_ASCII.fullmatch(text) is not None


def pdfdoc_bytes(text: str) -> bytes:
    """reportlab's pdfdocEnc(text)."""
    return text.encode("ascii") if same_as_pdfdoc(text) else rl.pdfdocEnc(text)


def text_string(item: rl.PDFString, document: Any) -> bytes:
    """What reportlab writes for a text string (rl.format of a PDFString): the string in PDFDocEncoding when it
    can be, else UTF-16BE with a byte order mark, escaped, in parentheses. Only the plain case is written here
    (text, automatic encoding, plain escaping, no encryption: the structure tree's /Alt and /ActualText);
    any other goes to reportlab."""
    s = item.s
    if (not isinstance(s, str) or getattr(item, "enc", "auto") != "auto" or getattr(item, "escape", 1) != 1
            or not isinstance(document.encrypt, rl.NoEncryption)):
        return rl.format(item, document)
    return _plain_text_string(s)


@lru_cache(maxsize=1024)
def _plain_text_string(s: str) -> bytes:
    """text_string's plain case, kept by text: a paragraph's /ActualText is the same in both papers of a
    document, and escaping its UTF-16 is most of the cost (a few KB each)."""
    if same_as_pdfdoc(s):
        data = s.encode("ascii")
    elif rl._checkPdfdoc(s):
        data = s.encode("pdfdoc")
    else:
        data = codecs.BOM_UTF16_BE + s.encode("utf_16_be")
    return pdfdoc_bytes("(%s)" % escapePDF(data))


class Formatted(rl.PDFObject):
    """A value written as bytes reportlab's `format` gave for it before: reportlab formats every number of an
    array through its general `format` and its PDFDocEncoding codec, and a TrueType subset's /Widths (256
    numbers) is the same in every document that embeds the same subset."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


@lru_cache(maxsize=64)
def numbers_array(values: tuple[int | float, ...]) -> Formatted:
    """reportlab's PDFArray of `values` (whole numbers or floats), formatted once per process: the bytes of
    numbers do not depend on the document (reportlab's format is handed none here)."""
    if not all(type(value) in (int, float) for value in values):
        raise TypeError("numbers_array formats numbers only")
    return Formatted(rl.format(rl.PDFArray(list(values)), None))
