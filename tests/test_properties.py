"""Property-based: arbitrary text with markup characters, emoji and direction marks goes through the content
parser, the escaping and a real PDF build without breaking the markup or the file."""

from __future__ import annotations

import io
import re
import unicodedata

from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader

from handouts.config.clinic import Clinic
from handouts.errors import ContentError, FontError
from handouts.text.fonts import FontLibrary
from handouts.content.languages import load_language
from handouts.config.layouts import load_layout
from handouts.content.markdown import parse_blocks
from handouts.content.reader import read_document, read_topic
from handouts.writers import render_pdf
from handouts.document import template_context
from tests.conftest import CONTENT, LAYOUTS

ALPHABET = st.sampled_from(list("abcXYZ 019&<>\"'*_`[]()#!\\-+.:{}|~") +
                           ["\u200f", "\u200e", "é", "ß", "\U0001F600", "\n"])
TEXTS = st.text(ALPHABET, min_size=1, max_size=40)

_FONTS = FontLibrary(LAYOUTS)
_TOPIC = read_topic(CONTENT, "back-mouse")
_EN = load_language(CONTENT, "en")
_LAYOUT = load_layout(LAYOUTS, "leaflet")


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(_visible(page.extract_text() or "") for page in reader.pages)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXTS)
def test_clinic_name_is_printed_literally(name):
    clinic = Clinic(name=name, phone="+44 20 7946 0000")
    document = read_document(_TOPIC, "en", "easy", template_context(_TOPIC, _EN, clinic))
    try:
        rendered = render_pdf(document, _EN, _LAYOUT, "a4", _FONTS, clinic)
    except FontError as exc:
        assert "U+1F600" in str(exc)  # the only character our fonts lack in this alphabet
        assert "\U0001F600" in name
        return
    expected = _visible(" ".join(name.split()))
    assert expected in _pdf_text(rendered.data)


@settings(max_examples=60, deadline=None)
@given(body=st.lists(TEXTS, min_size=1, max_size=5).map("\n\n".join))
def test_parser_accepts_or_names_the_problem(body):
    try:
        blocks = parse_blocks(body, path="random.md", first_line=10)
    except ContentError as exc:
        assert str(exc).startswith("random.md:")
        return
    assert isinstance(blocks, tuple)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=TEXTS)
def test_author_text_builds_a_valid_pdf(body, tmp_path_factory):
    from tests.pdfread import qpdf_problems
    from tests.trees import english_tree, replace_in

    root = tmp_path_factory.mktemp("prop")
    content, layouts = english_tree(root, levels=("easy",))
    # Jinja syntax in an author's text is the author's business; keep the text itself literal.
    literal = re.sub(r"[{}%#]", "", body).strip() or "x"
    replace_in(content / "back-mouse/en/easy.md", "Anyone can get a back mouse.", literal.replace("\n", " "))
    topic = read_topic(content, "back-mouse")
    try:
        document = read_document(topic, "en", "easy", template_context(topic, _EN, None))
        rendered = render_pdf(document, _EN, _LAYOUT, "a4", _FONTS, None)
    except (ContentError, FontError) as exc:
        assert "easy.md" in str(exc)
        return
    out = root / "out.pdf"
    out.write_bytes(rendered.data)
    assert qpdf_problems(out) == []
