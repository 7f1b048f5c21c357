"""The running header and footer (handouts.pdf.pdfdoc._draw_furniture): their paragraphs are wrapped once per
document (FurnitureText) and drawn on every page as they would be wrapped afresh."""

from __future__ import annotations

import io

import pytest

from handouts.pdf import render
from handouts.pdf.finishing import FinishingCanvas
from handouts.pdf.pdfdoc import FurnitureText, PageGeometry, _draw_furniture, _furniture_style
from tests.test_render_balance import _args


def _pages(args: tuple, shared: bool, pages: int = 3) -> tuple[list[list[str]], FurnitureText]:
    document, language, layout, paper, *_ = args
    level_style, _, _, furniture = render._flowables(*args, 1.0, 1.0)
    width, height = layout.page_size(paper)
    geometry = PageGeometry(width, height, level_style.columns, layout, furniture.rtl)
    text = FurnitureText(_furniture_style(furniture, layout))
    canvas = FinishingCanvas(io.BytesIO(), pagesize=(width, height))
    drawn = []
    for page in range(1, pages + 1):
        _draw_furniture(canvas, furniture, geometry, page, pages, text if shared else None)
        drawn.append(list(canvas._code))
        canvas._code = []
    return drawn, text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_furniture_wrapped_once_is_drawn_as_wrapped_afresh(lang):
    args = _args("back-mouse", lang, "standard", "a4")
    shared, text = _pages(args, shared=True)
    fresh, _ = _pages(args, shared=False)
    assert shared == fresh
    assert all(any("Tj" in entry or "TJ" in entry for entry in page) for page in shared)   # text was drawn
    # page 1 has no header: 3 footer lines; pages 2 and 3 two header lines each and a footer whose label
    # changes: 3 + 2 * 5 placements of 2 header texts, 2 footer texts and 3 labels
    assert len(text._wrapped) == 2 + 2 + 3
