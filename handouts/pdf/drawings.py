"""Figures for one document: the palette of the build, and a per-process cache of each figure as the layout and
the page need it, since a figure with one language's labels, style and width is the same in every copy, layout,
level and balancing pass of a process. What a figure comes to (its size and its recorded form content) is also
kept in the disk cache, so a new process (a cold one-leaflet build) neither builds its shapes nor walks them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from handouts.config.layouts import Layout


def figure_style(chain: Any, rtl: bool, palette: Any, label_floor: float = 0.0):
    """How a document's figures are drawn: its language's font chain (labels fall back, shape and run in the
    right direction through it), its palette, its direction, and the smallest label its level allows (the
    layout's `label_floor`, pt)."""
    from handouts.figures import FigureStyle

    return FigureStyle(font=chain.primary.name, bold_font=chain.primary.face("bold").name, palette=palette,
                       rtl=rtl, chain=chain, label_floor=label_floor)


def figure_palette(layout: Layout):
    """The figures' palette: gray when the build prints in grayscale, like the rest of the page."""
    from handouts.figures import DEFAULT_PALETTE

    return DEFAULT_PALETTE.grayscale() if layout.grayscale else DEFAULT_PALETTE


@dataclass(eq=False)   # one per key, compared (and weakly referenced by formcache) as itself
class FigureForm:
    """A figure as a page needs it: its size for the layout and its form content, recorded the first time it is
    drawn (handouts.pdf.formcache) and replayed afterwards. The reportlab Drawing it is made from (every shape
    and shaped label: as large as the recording and slow to build) is kept only until then, so what stays in
    the cache is the size and the recording."""

    fig_id: str
    labels: tuple[tuple[str, str], ...]
    style: Any
    width: float
    height: float
    _drawing: Any = field(default=None, repr=False)
    _entry: Path | None = field(default=None, repr=False)   # its disk cache entry (figurekeep), None: not kept

    def drawing(self):
        """The Drawing; built again only for a form state this figure has not been recorded in (not seen in a
        default build: every figure there starts its form in one state)."""
        if self._drawing is None:
            self._drawing = build_drawing(self.fig_id, self.labels, self.style, self.width)
        return self._drawing

    def draw_form_content(self, canvas, state: tuple, font_name: str) -> None:
        """The content of this figure's form, between canvas.beginForm and endForm: drawn (and recorded) the
        first time this process meets it in `state` (formcache.form_state, taken before beginForm), replayed
        afterwards. `font_name`: the document's font before beginForm, which renderPDF selects first (it would
        select Helvetica, which is not embedded)."""
        from reportlab.graphics import renderPDF

        from handouts.pdf.formcache import draw_form_content, recordings

        def live() -> None:
            drawing = self.drawing()
            drawing.initialFontName = font_name
            renderPDF.draw(drawing, canvas, 0, 0)

        known = len(recordings(self))
        draw_form_content(canvas, self, state, live)
        self._drawing = None   # recorded: the recording is all a later document needs
        if self._entry is not None and len(recordings(self)) > known:   # a new recording: for the next process
            from handouts.pdf import figurekeep

            figurekeep.keep(self._entry, self.width, self.height, recordings(self))


# Entries, each a size and a recording: 13 kB on average (the default build's 417 distinct figures hold 5.4 MB;
# their Drawings would take about 19 MB more). Comfortably more than a default build meets, so that nothing is
# built twice in one process; bounded, so a long-lived process (`handouts serve`, a pipeline building tree after
# tree) stays flat.
FIGURE_CACHE_SIZE = 1024


@lru_cache(maxsize=FIGURE_CACHE_SIZE)
def figure(fig_id: str, labels: tuple[tuple[str, str], ...], style: Any, width: float) -> FigureForm:
    """The figure `fig_id` with these labels (sorted items), style and width, made once per process: read from the
    disk cache when an earlier process recorded it (handouts.pdf.figurekeep), otherwise built."""
    from handouts.pdf import figurekeep
    from handouts.pdf.formcache import recordings

    entry = figurekeep.entry(fig_id, labels, style, width)
    kept = figurekeep.recall(entry) if entry is not None else None
    if kept is not None:
        form = FigureForm(fig_id, labels, style, kept.width, kept.height, None, entry)
        recordings(form).update(kept.recordings)
        return form
    drawing = build_drawing(fig_id, labels, style, width)
    if entry is not None:   # its size already: a balancing try that is only laid out never records it
        figurekeep.keep(entry, drawing.width, drawing.height, {})
    return FigureForm(fig_id, labels, style, drawing.width, drawing.height, drawing, entry)


def build_drawing(fig_id: str, labels: tuple[tuple[str, str], ...], style: Any, width: float):
    """The figure's reportlab Drawing (labels as a mapping again: the cache key holds them as sorted items), built
    without reportlab's attribute validation, a third of the time of building it (the figures' tests build every
    figure checked)."""
    from handouts import figures as figures_pkg

    return figures_pkg.draw_figure(fig_id, dict(labels), style, width, checked=False)
