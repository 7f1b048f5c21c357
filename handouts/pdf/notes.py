"""The ruled "Notes" area that ends a leaflet: what is left of its last column, to write in by hand.

Why: a leaflet's last page often holds only the sources and "About this leaflet", a few lines at the top of an
otherwise blank page, and no spacing within the layout's bounds pulls them back a page (handouts.pdf.render
tries). Patient leaflets (the NHS's among them) end on space for notes and questions to ask at the next visit:
that is what the rest of the column becomes. The area is sized when platypus places it, so it takes exactly
the room left; with less room than a title and a few lines it draws nothing, and it never opens a page or a
column of its own. The PDF writer leaves it out of the last page's fill (pdfdoc), so balancing still sees how
much text the last page holds and still tightens a leaflet to end a page earlier where it can. In the tagged
PDF it is an artifact, like a booklet's notes pages: blank lines are nothing for a screen reader to read out.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from handouts.pdf.contact import boxed, ruled_lines
from handouts.pdf.flowables import RenderContext
from handouts.pdf.paragraph import Paragraph
from handouts.pdf.styles import palette
from handouts.pdf.tagging import artifact
from handouts.text.markup import text_markup

MIN_LINES = 3        # fewer lines to write on than this is not worth a box: nothing is drawn
LINE_SPACING = 1.6   # × the body's leading: room for handwriting, as in "My questions"


class NotesArea(Flowable):
    """A box with a title, a hint and ruled lines, as tall as the room left in the frame where it lands."""

    fills_page = True   # pdfdoc: not counted in the last page's fill

    def __init__(self, ctx: RenderContext, width: float) -> None:
        super().__init__()
        self._ctx, self._width = ctx, width
        s = ctx.styles
        self._pad = s.body.fontSize * 0.6
        self._spacing = s.body.leading * LINE_SPACING
        self._box: Flowable | None = None

    def _build(self, lines: int) -> Flowable:
        ctx, s = self._ctx, self._ctx.styles
        c = palette(ctx.layout)
        where = f"language file '{ctx.language.code}'"
        title = Paragraph(text_markup(ctx.language.s("notes"), ctx.chain, where=where), s.box_title)
        hint = Paragraph(text_markup(ctx.language.s("my_questions_hint"), ctx.chain, where=where), s.small)
        rows: list[list[object]] = [[title], [hint]]
        if lines:
            rows.append([ruled_lines(self._width - 2 * self._pad, lines, self._spacing, c["rule"])])
        return boxed(rows, self._width, background=c["tint"], border=c["rule"], font=ctx.chain.primary.name,
                     pad=self._pad)

    _ZEROSIZE = True   # platypus asks it to wrap even in a full frame, where it takes no room (no new page)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._box = None
        self.width, self.height = availWidth, 0.0
        frame = getattr(self, "_frame", None)
        if frame is not None and frame._atTop:
            return self.width, self.height   # the text ended a column exactly: no column of notes alone
        empty = self._build(0)
        _, bare = empty.wrap(self._width, availHeight)
        # the space above the box, and the ruled row's own padding (boxed: half the pad above and below)
        room = availHeight - bare - 2 * self._pad
        lines = int(room // self._spacing)
        if lines >= MIN_LINES:
            self._box = self._build(lines)
            _, height = self._box.wrap(self._width, availHeight)
            self.width, self.height = self._width, height + self._pad
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []   # it takes what is left, never more: nothing to split

    def draw(self) -> None:
        if self._box is not None:
            with artifact(self.canv):   # a place to write by hand: nothing for a screen reader to read out
                self._box.drawOn(self.canv, 0, 0)
