"""Boxes (summary, key points, checklists, warnings) as flowables: how they split across pages."""

from __future__ import annotations

from handouts.content import model
from handouts.pdf.flowables import RenderContext, box_flowable
from handouts.text.fonts import FontLibrary, font_chain
from handouts.content.languages import load_language
from handouts.config.layouts import load_layout
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context
from handouts.pdf.styles import build_styles
from tests.conftest import CONTENT, LAYOUTS


def _titled_boxes(level: str):
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, "en")
    layout = load_layout(LAYOUTS, "leaflet")
    document = read_document(topic, "en", level, template_context(topic, language, None))
    chain = font_chain(FontLibrary(LAYOUTS), language.body_font, list(language.fallback_fonts), language.code)
    ctx = RenderContext(document, language, layout, build_styles(layout, level, language, chain), chain, 250.0,
                        lambda fig_id, width: None)
    boxes = [b for s in document.sections for b in s.blocks if isinstance(b, model.Box) and b.title]
    assert boxes, level
    return ctx, boxes


def test_a_box_title_never_stays_alone_at_the_foot_of_a_page():
    """With room for the title but not the first item, the whole box moves on: the split gives nothing here."""
    for level in ("standard", "detailed"):
        ctx, boxes = _titled_boxes(level)
        for block in boxes:
            table = box_flowable(block, ctx, 250.0, "x")
            _, full = table.wrap(250.0, 10_000)
            title = ctx.text(block.title, ctx.styles.box_title)
            _, title_height = title.wrap(250.0, 10_000)
            room = title_height + ctx.styles.body.fontSize * 1.5   # the title and its padding, not one more line
            assert room < full
            assert table.split(250.0, room) == [], (level, block.title)
            parts = table.split(250.0, full * 0.75)
            assert len(parts) in (0, 2)   # a long box may still split further down, between items


def test_a_box_split_keeps_its_title_with_at_least_two_lines():
    """A first item is often one line long: the title shares its row with the first two items, so that the part
    left at the foot of a page holds the title and at least two lines of the box."""
    for level in ("standard", "detailed"):
        ctx, boxes = _titled_boxes(level)
        leading = ctx.styles.list_item.leading
        for block in boxes:
            table = box_flowable(block, ctx, 250.0, "x")
            _, full = table.wrap(250.0, 10_000)
            _, title_height = ctx.text(block.title, ctx.styles.box_title).wrap(250.0, 10_000)
            for room in (full * 0.4, full * 0.6, full * 0.8):
                parts = table.split(250.0, room)
                if len(parts) == 2:
                    _, head = parts[0].wrap(250.0, room)
                    assert head >= title_height + 2 * leading, (level, block.title, room)
