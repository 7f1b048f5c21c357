"""Figures inside built leaflets: how many, which, and that their words follow the leaflet's language."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from handouts.content.reader import read_figure_texts, read_topic
from tests.conftest import CONTENT, build_into
from tests.pdfread import form_names


def figure_ids(path) -> set[str]:
    return {m.group(1) for name in form_names(path) if (m := re.search(r"Fig-(.+)-\d+x\d+$", name))}


@pytest.mark.parametrize("level,minimum", [("standard", 4), ("easy", 8), ("detailed", 4)])
def test_figures_present(english, level, minimum):
    found = figure_ids(english / f"back-mouse/en/back-mouse_en_{level}_leaflet_a4.pdf")
    assert len(found) >= minimum, found
    assert {"where-it-happens", "cross-section"} <= found


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    out = tmp_path_factory.mktemp("es")
    build_into(out, langs=("es",), levels=("standard",), papers=("a4",))
    return out / "back-mouse/es/back-mouse_es_standard_leaflet_a4.pdf"


def test_figure_labels_follow_the_language(spanish):
    text = " ".join((PdfReader(spanish).pages[0].extract_text() or "").split())
    spanish_labels = read_figure_texts(read_topic(CONTENT, "back-mouse"), "es")["cross-section"].labels
    english_labels = read_figure_texts(read_topic(CONTENT, "back-mouse"), "en")["cross-section"].labels
    assert spanish_labels["muscle"] in text
    assert english_labels["muscle"] not in text.replace(spanish_labels["muscle"], "")


def test_every_language_has_every_figure_text():
    topic = read_topic(CONTENT, "back-mouse")
    english = read_figure_texts(topic, "en")
    for folder in sorted(p for p in topic.path.iterdir() if p.is_dir()):
        texts = read_figure_texts(topic, folder.name)
        assert set(texts) == set(english), folder.name
        for fig_id, text in texts.items():
            assert text.alt.strip(), (folder.name, fig_id)
            assert set(text.labels) == set(english[fig_id].labels), (folder.name, fig_id)
