"""Words that point to a figure (`[words]{needs=FIGURE-ID}`): a layout that leaves the figure out leaves the
words' list item out, and a mark that names a figure the document never shows is an error naming its line."""

from __future__ import annotations

import pytest

from handouts.content.markdown import parse_blocks
from handouts.content.model import Box, Heading, ListBlock, Paragraph, Span, without_items_needing
from handouts.errors import ContentError
from tests.trees import refused_in_standard


def item(text: str, needs: str | None = None, *nested) -> tuple:
    return (Paragraph((Span(text, needs=needs),)), *nested)


def test_the_mark_is_read_onto_the_words():
    (box,) = parse_blocks("::: checklist Today\n- Walk.\n- [Do the **three** stretches.]{needs=selfcare-stretch}\n:::",
                          path="x.md")
    (items,) = box.blocks
    assert [[(s.text, s.bold, s.needs) for s in block.spans] for (block,) in items.items] == [
        [("Walk.", False, None)],
        [("Do the ", False, "selfcare-stretch"), ("three", True, "selfcare-stretch"),
         (" stretches.", False, "selfcare-stretch")]]


def test_a_mark_and_a_language_together():
    (paragraph,) = parse_blocks("[Do the [Pilates]{lang=de} stretch.]{needs=selfcare-stretch}", path="x.md")
    assert [(s.text, s.lang, s.needs) for s in paragraph.spans] == [
        ("Do the ", None, "selfcare-stretch"), ("Pilates", "de", "selfcare-stretch"),
        (" stretch.", None, "selfcare-stretch")]


def test_a_mark_that_is_not_a_figure_id_names_its_line():
    with pytest.raises(ContentError) as caught:
        parse_blocks("one\n\n- [Stretch.]{needs=Stretch_1}", path="content/x.md", first_line=10)
    assert caught.value.message.startswith("content/x.md:12: 'needs=Stretch_1' is not a figure id")


def test_items_pointing_to_a_figure_left_out_are_dropped():
    blocks = [
        Heading(3, (Span("Today"),)),
        ListBlock(False, (item("Walk."), item("Stretch.", "stretch"),
                          item("Rest.", None, ListBlock(False, (item("Lie down."), item("Tilt.", "tilt")))))),
        Box("checklist", "Only stretches", (ListBlock(False, (item("Stretch.", "stretch"),), checklist=True),)),
        Box("keypoints", "", (Heading(3, (Span("Heading"),)), ListBlock(False, (item("Tilt.", "tilt"),)))),
    ]
    kept = without_items_needing(blocks, shown={"lump"})
    assert kept == [
        blocks[0],
        ListBlock(False, (item("Walk."), item("Rest.", None, ListBlock(False, (item("Lie down."),))))),
    ]
    assert without_items_needing(blocks, shown={"stretch", "tilt"}) == blocks


def test_a_mark_naming_a_figure_the_document_does_not_show_is_an_error(tmp_path):
    refused_in_standard(tmp_path, "needs=selfcare-stretch", "needs=flag-fever",
                        "'{needs=flag-fever}' points to a figure this document does not show")
