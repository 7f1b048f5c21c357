"""The ruled area that ends a leaflet, what is left of its last column, to write in by hand: "Notes", or on a
personal copy the "My questions" it promises (at least six lines, tagged, its title a heading).

Why: a leaflet's last page often holds only the sources and "About this leaflet", a few lines at the top of an
otherwise blank page, and no spacing within the layout's bounds pulls them back a page (handouts.pdf.render
tries). Patient leaflets (the NHS's among them) end on space for notes and questions to ask at the next visit:
that is what the rest of the column becomes. The area is sized when platypus places it, so it takes exactly
the room left; with less room than a title and a few lines it draws nothing, and it never opens a page or a
column of its own. The PDF writer leaves it out of the last page's fill (pdfdoc), so balancing still sees how
much text the last page holds and still tightens a leaflet to end a page earlier where it can. In the tagged
PDF "Notes" is an artifact, like a booklet's notes pages: blank lines are nothing for a screen reader to read
out; "My questions" keeps its heading, as the personal copy's other boxes do.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from handouts.config.personal import PersonalCopy
from handouts.pdf.contact import HANDWRITING, QUESTION_LINES, ruled_box
from handouts.pdf.flowables import RenderContext
from handouts.pdf.tagging import artifact

MIN_LINES = 3        # fewer lines to write on than this is not worth a "Notes" box: nothing is drawn


def closing_area(ctx: RenderContext, personal: PersonalCopy | None, width: float) -> "WritingArea":
    """The last flowable of a leaflet: a personal copy's "My questions", else "Notes"."""
    if personal is not None:
        return WritingArea(ctx, width, ctx.language.s("my_questions"), QUESTION_LINES, heading=True)
    return WritingArea(ctx, width, ctx.language.s("notes"), MIN_LINES, heading=False)


class WritingArea(Flowable):
    """A ruled box as tall as the room left in the frame where it lands. With a heading it is owed to the
    reader: with too little room it takes its least lines in the next column; without, it then draws nothing."""

    fills_page = True   # pdfdoc: not counted in the last page's fill
    _ZEROSIZE = True    # platypus asks it to wrap even in a full frame, where it takes no room (no new page)

    def __init__(self, ctx: RenderContext, width: float, title: str, least: int, *, heading: bool) -> None:
        super().__init__()
        self._ctx, self._width, self._title, self._least, self._heading = ctx, width, title, least, heading
        self._pad = ctx.styles.body.fontSize * 0.6
        self._spacing = ctx.styles.body.leading * HANDWRITING
        self._box: Flowable | None = None

    def _build(self, lines: int) -> Flowable:
        return ruled_box(self._ctx, self._title, self._width, lines, role="H2" if self._heading else "P")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._box = None
        self.width, self.height = availWidth, 0.0
        frame = getattr(self, "_frame", None)
        fresh = frame is not None and frame._atTop
        if fresh and not self._heading:
            return self.width, self.height   # the text ended a column exactly: no column of notes alone
        _, bare = self._build(0).wrap(self._width, availHeight)
        # the space above the box, and the ruled row's own padding (boxed: half the pad above and below)
        lines = int((availHeight - bare - 2 * self._pad) // self._spacing)
        if fresh or lines < self._least:
            if not self._heading:
                return self.width, self.height
            lines = self._least   # owed: its least lines, here at the top of a column or in the next one
        self._box = self._build(lines)
        _, height = self._box.wrap(self._width, availHeight)
        self.width, self.height = self._width, height + self._pad
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []   # it takes what is left, never more: nothing to split

    def draw(self) -> None:
        if self._box is None:
            return
        if self._heading:
            self._box.drawOn(self.canv, 0, 0)
            return
        with artifact(self.canv):   # a place to write by hand: nothing for a screen reader to read out
            self._box.drawOn(self.canv, 0, 0)
