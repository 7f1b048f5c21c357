"""Jargon from the language entry's list is flagged where the text first uses it without explaining it
(handouts/check/jargon.py states the rule)."""

from __future__ import annotations

import json

import pytest

from handouts.check.content import format_line, run_check
from handouts.check.jargon import find_term
from tests.test_check import content, edit, only, run  # noqa: F401 - `content` is the fixture tree, a private copy

EN = "demo/en/easy.md"
CYST = "It could be a cyst. A cyst is a small sac."


def jargon(content, lang: str = "en") -> list[str]:
    return [use.term for use in only(run_check(content, langs=[lang]), lang).jargon]


def test_an_explained_term_is_not_flagged(content):
    assert jargon(content) == []            # "A cyst is a small sac": explained in its paragraph


def test_an_unexplained_term_is_flagged_with_where_it_is_but_does_not_fail(content):
    edit(content / EN, CYST, "It could be a cyst.")
    doc = only(run_check(content, langs=["en"]), "en")
    assert [(u.term, u.section, u.line) for u in doc.jargon] == [("cyst", "look-alikes", 32)]
    assert "a cyst" in doc.jargon[0].excerpt
    assert doc.ok and "jargon not explained: cyst (look-alikes)" in format_line(doc)
    data = json.loads(run("--content", str(content), "--lang", "en", "--json").output)
    assert data["documents"][0]["jargon"][0]["term"] == "cyst"


@pytest.mark.parametrize("text", [
    "It could be a cyst (a small sac of fluid).",
    "It could be a small sac of fluid (a cyst).",
    "It could be a cyst, a small sac of fluid.",
    "It could be what doctors call a cyst. That means a small sac.",
])
def test_ways_of_explaining_a_term(content, text):
    edit(content / EN, CYST, text)
    assert jargon(content) == [], text


def test_the_next_sentence_may_explain_it_but_not_a_later_one(content):
    edit(content / EN, CYST, "It could be a cyst.\n\nA cyst is a small sac. It holds fluid.")
    assert jargon(content) == []
    edit(content / EN, "A cyst is a small sac. It holds fluid.", "It holds fluid. A cyst is a small sac.")
    assert jargon(content) == ["cyst"]


def test_only_the_first_use_needs_explaining(content):
    edit(content / EN, "A nurse feels your back.", "A nurse feels your back for a cyst.")
    assert jargon(content) == ["cyst"]      # first used in 'diagnosis', explained only later
    edit(content / "languages/en.yaml", "jargon: [cyst]", "jargon: [cyst, nurse]")
    assert jargon(content) == ["nurse", "cyst"]   # in reading order


def test_a_term_starts_a_word():
    assert find_term("two lipomas here", "lipoma") is not None
    assert find_term("a primrose", "MRI") is None and find_term("an MRI scan", "mri") is not None
    assert find_term("切除以后", "除以", anywhere=True) is not None   # unspaced scripts: anywhere


def test_each_language_uses_its_own_list(content):
    edit(content / "demo/es/easy.md", "Puede ser un quiste. Un quiste es un saco pequeño.", "Puede ser un quiste.")
    assert jargon(content, "es") == ["quiste"]
    assert jargon(content, "en") == []


def test_real_languages_have_a_jargon_list_and_time_frames():
    from handouts.content.languages import language_codes, load_language
    from tests.conftest import CONTENT

    for code in language_codes(CONTENT):
        language = load_language(CONTENT, code)
        assert len(language.jargon) >= 9 and language.time_frames and language.explains, code
        assert language.calculations, code
