"""Fuzz of the whole reading and rendering path with section bodies built from Markdown fragments.

Content comes from many hands, so whatever a section holds, a build must end with a PDF or with a
HandoutsError (one line that names the problem), never with another exception. The examples mix what content
writers really type (emphasis, nested lists, links, figures, the leaflet's containers) with what they should
not (nested or unknown containers, raw HTML, broken template tags, control characters, very long words).

`HANDOUTS_FUZZ_EXAMPLES=2000 python -m pytest -q tests/test_fuzz.py` runs a long fuzz by hand; the suite runs
a few dozen examples so that it stays fast.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from handouts.errors import ContentError, HandoutsError
from handouts.text.fonts import FontLibrary
from handouts.content.languages import load_language
from handouts.config.layouts import load_layout
from handouts.content.reader import read_document, read_topic
from handouts.writers import render_pdf
from handouts.document import template_context
from tests.conftest import CONTENT
from tests.trees import english_tree

EXAMPLES = int(os.environ.get("HANDOUTS_FUZZ_EXAMPLES", "40"))
# The strategy below is large; hypothesis warns when it prints its (unused) description.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# Plain words most of the time, so that most examples get as far as the PDF; now and then text that tests the
# escaping, the fonts (English has no Arabic or CJK face: a FontError) and control characters.
PLAIN = st.sampled_from(["back", "mouse", "lump", "pain", "rest", "ice", "walk", "Smith & Jones", "<Physio>",
                         "50%", "a_b", "x*y", "#1", "\\", "`code`", "&amp;", "https://example.org", "Việt", "e\u0301",
                         "W" * 300])
ODD = st.sampled_from(["مرحبا", "العيادة", "请每天热敷", "十五分钟", "कृपया", "ﷺ", "\u200b", "\u202e",
                       "\ufeff", "\x00", "\x0b", "\x1b[31m", "\t", "🙂", "ـ" * 50, "草" * 200])
WORDS = st.one_of(PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, PLAIN, ODD)
TEXT = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
FIGURE_IDS = st.sampled_from(["where-it-happens", "cross-section", "pain-scale", "no-such-figure", ""])


def _inline(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        text,
        text.map(lambda t: f"**{t}**"),
        text.map(lambda t: f"*{t}*"),
        text.map(lambda t: f"_{t}_ and **{t}"),
        st.tuples(text, st.sampled_from(["https://example.org/a", "tel:+441234567890", "mailto:a@b.example",
                                         "javascript:alert(1)", "figure:where-it-happens", "", "#faq"]))
        .map(lambda p: f"[{p[0]}]({p[1]})"),
        text.map(lambda t: f"<b>{t}</b>"),
        st.sampled_from(["{{ clinic.name }}", "{% if clinic.phone %}call{% else %}ask{% endif %}",
                         "{{ topic.title }}", "{% for i in range(3) %}{{ i }}{% endfor %}", "}}"]),
    )


INLINE = st.lists(_inline(TEXT), min_size=1, max_size=4).map(" ".join)


def _list(depth: int) -> st.SearchStrategy[str]:
    marker = st.sampled_from(["- ", "* ", "1. ", "2) ", "- [ ] "])
    item = st.tuples(marker, INLINE).map(lambda p: p[0] + p[1])
    if depth == 0:
        return st.lists(item, min_size=1, max_size=3).map("\n".join)
    nested = _list(depth - 1).map(lambda body: "\n".join("   " + line for line in body.splitlines()))
    return st.lists(st.one_of(item, st.tuples(item, nested).map("\n".join)), min_size=1, max_size=3).map("\n".join)


GOOD_LEAF = st.one_of(
    INLINE,
    INLINE,
    _list(3),
    INLINE.map(lambda t: f"### {t}"),
    st.tuples(TEXT, FIGURE_IDS).map(lambda p: f"![{p[0]}](figure:{p[1]})"),
    INLINE.map(lambda t: f"> {t}"),
)
BAD_LEAF = st.one_of(
    INLINE.map(lambda t: f"#### {t}"),
    INLINE.map(lambda t: f"# {t}"),
    TEXT.map(lambda t: f"![{t}](https://example.org/x.png)"),
    st.just("<div>raw</div>"),
    st.just("<!-- a comment -->"),
    st.just("```\ncode\n```"),
    st.just("| a | b |\n| - | - |\n| 1 | 2 |"),
    st.just("***"),
    st.sampled_from(["{{ nope }}", "{{ clinic.", "{{ 'A ' * 2000000 }}", "{% include 'x.md' %}",
                     "{{ clinic.__class__ }}", "{#", "{% for i in range(10**6) %}x{% endfor %}"]),
    INLINE.map(lambda t: f"{t}\n===="),
)
LEAF = st.one_of(GOOD_LEAF, GOOD_LEAF, GOOD_LEAF, BAD_LEAF)


def _container(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    kind = st.sampled_from(["keypoints", "summary", "warning", "checklist", "picture where-it-happens",
                            "picture pain-scale", "warning Red flags", "keypoints Remember",
                            "picture", "picture no-such-figure", "nonsense"])
    fence = st.sampled_from([":::", "::::"])
    closed = st.sampled_from([True, True, True, False])
    return st.tuples(fence, kind, st.lists(inner, min_size=0, max_size=3), closed).map(
        lambda p: f"{p[0]} {p[1]}\n" + "\n\n".join(p[2]) + ("\n" + p[0] if p[3] else ""))


BLOCK = st.recursive(LEAF, _container, max_leaves=4)
BODY = st.lists(BLOCK, min_size=1, max_size=6).map("\n\n".join)


SECTION_IDS = read_topic(CONTENT, "back-mouse").section_ids   # the topic's own sections


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A content tree of English easy (one column) and standard (two), loaded once; the level a test writes has
    one line per section besides the fuzzed one, so that it renders fast."""
    content, layouts = english_tree(tmp_path_factory.mktemp("fuzz"), levels=("easy", "standard"))
    topic = read_topic(content, "back-mouse")
    language = load_language(content, "en")
    return {"folder": content / "back-mouse" / "en", "topic": topic, "language": language,
            "layout": load_layout(layouts, "leaflet"), "fonts": FontLibrary(layouts),
            "context": template_context(topic, language, None)}


def _write(world, level: str, section_id: str, body: str) -> None:
    sections = "\n\n".join(f"## Section {sid} {{#{sid}}}\n\n" + (body if sid == section_id else "Some text.")
                           for sid in SECTION_IDS)
    front = "---\ntitle: Back mouse\nstatus: reviewed\nsource: {}\n---\n\n"
    (world["folder"] / f"{level}.md").write_text(front + sections + "\n", encoding="utf-8")


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(body=BODY, section_id=st.sampled_from(SECTION_IDS), level=st.sampled_from(["easy", "standard"]))
def test_any_section_body_renders_or_fails_cleanly(world, body, section_id, level):
    _write(world, level, section_id, body)
    try:
        document = read_document(world["topic"], "en", level, world["context"])
        data = render_pdf(document, world["language"], world["layout"], "a4", world["fonts"]).data
    except ContentError as exc:
        # Content problems name the content file and the line, on one line.
        message = exc.format_message()
        event(f"{type(exc).__name__}: {message.split(': ', 1)[-1][:50]}")
        assert "\n" not in message, message
        assert exc.path is not None and "internal error" not in message, message
        return
    except HandoutsError as exc:  # a layout overflow, a glyph no font has: named, one line
        event(f"{type(exc).__name__}: {exc.format_message()[:50]}")
        assert "\n" not in exc.format_message()
        return
    event("rendered")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Section when-to-get-help" in text
