"""Proof sheets: one PDF per figure plus ``all-figures.pdf``.

For reviewers (clinicians, translators, designers) to look at every figure
with a given label set without building a leaflet.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from . import FIGURE_IDS, FigureStyle, draw_figure
from .registry import REGISTRY
from .text import label

MARGIN = 24.0
CAPTION = 8.0


def gallery_width(fig_id: str) -> float:
    """Proof size: big figures at about leaflet width, pictograms smaller."""
    w = REGISTRY[fig_id].size[0]
    return 340.0 if w > 200 else 170.0


def _labels(labels_by_figure: Mapping[str, Mapping[str, str]], fig_id: str) -> Mapping[str, str]:
    return labels_by_figure.get(fig_id, {})


def write_gallery(out_dir: Path, labels_by_figure: Mapping[str, Mapping[str, str]],
                  style: FigureStyle) -> list[Path]:
    """Write ``<id>.pdf`` for every figure and ``all-figures.pdf``; return paths."""
    from handouts.dates import source_date_epoch

    source_date_epoch()  # reportlab's canvas reads it and fails on a bad value with a bare ValueError
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    drawings = {}
    for fig_id in FIGURE_IDS:
        d = draw_figure(fig_id, _labels(labels_by_figure, fig_id), style, gallery_width(fig_id))
        drawings[fig_id] = d
        path = out_dir / f"{fig_id}.pdf"
        c = Canvas(str(path), pagesize=(d.width + 2 * MARGIN, d.height + 2 * MARGIN + 14))
        c.setTitle(fig_id)
        renderPDF.draw(d, c, MARGIN, MARGIN + 14)
        _caption(c, style, fig_id, MARGIN, MARGIN)
        c.showPage()
        c.save()
        written.append(path)
    written.append(_contact_sheet(out_dir / "all-figures.pdf", drawings, style))
    return written


def _caption(c: Canvas, style: FigureStyle, text: str, x: float, y: float) -> None:
    """The figure id under it, drawn through the one text function too."""
    d = Drawing(300, CAPTION * 1.5)
    d.add(label(text, 0, CAPTION * 0.3, style, CAPTION, "start", fill=style.palette.line))
    renderPDF.draw(d, c, x, y - CAPTION * 0.3)


def _contact_sheet(path: Path, drawings: dict, style: FigureStyle) -> Path:
    """All figures flowed onto A4 pages, left to right, top to bottom."""
    pw, ph = A4
    c = Canvas(str(path), pagesize=A4)
    c.setTitle("All figures")
    x, y, row_h = MARGIN, ph - MARGIN, 0.0
    for fig_id, d in drawings.items():
        need_h = d.height + 16
        if x + d.width > pw - MARGIN:
            x, y, row_h = MARGIN, y - row_h - 10, 0.0
        if y - need_h < MARGIN:
            c.showPage()
            x, y, row_h = MARGIN, ph - MARGIN, 0.0
        renderPDF.draw(d, c, x, y - d.height)
        _caption(c, style, fig_id, x, y - d.height - 11)
        row_h = max(row_h, need_h)
        x += d.width + 12
    c.showPage()
    c.save()
    return path
