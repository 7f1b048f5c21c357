"""Lay flowables out on pages and write the PDF with reportlab Platypus.

Page templates come from the layout: a cover page (title band, full-width summary, then columns) and body pages
whose inside and outside margins alternate for duplex printing. Headers and footers are drawn after the last
page is laid out, so that they can say "Page 2 of 5".

write_pdf lays out and draws in one platypus pass. A leaflet is made in two steps instead (handouts.pdf.render
tries several spacings): measure_pages lays the flowables out in the same frames without drawing them (the page
count, the last page's fill, and what went where), and Measured.draw draws the layout kept where it was placed,
making the same calls on the canvas in the same order as write_pdf, so the file is the same, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, FrameBreak, KeepTogether, NextPageTemplate,
                                PageTemplate)
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError as ReportlabLayoutError, _ktAllow
from reportlab.platypus.flowables import ListFlowable

from handouts.pdf.paragraph import Paragraph  # reportlab's, plus shaped and right-to-left line layout

from handouts.pdf import tagging
from handouts.pdf.finishing import Finish, FinishingCanvas
from handouts.pdf.frames import Frame   # reportlab's, cheap to copy
from handouts.pdf.flowables import SectionHeading
from handouts.config.layouts import Layout
from handouts.pdf.styles import palette
from handouts.dates import source_date_epoch
from handouts.errors import OverflowError_
from handouts.timing import stage

# reportlab wraps every compressed stream in ASCII85 as well, for 7-bit mail transports nobody uses: a quarter
# bigger files, and the post-processing has to decode it again.
rl_config.useA85 = 0


@dataclass(frozen=True)
class Furniture:
    """What the header, footer and cover band say, already in the document's language."""

    title: str                  # markup
    subtitle: str               # markup
    header_left: str            # markup
    header_right: str           # markup
    footer_left: str            # markup
    footer_status: str          # markup
    page_label: Callable[[int, int], str]  # (page, pages) -> markup
    rtl: bool
    styles: Any                 # handouts.styles.Styles
    # A booklet's reader holds its pages padded to whole sheets (4 pages a sheet): "Page 1 of 16", not "of 13",
    # when imposition will add three notes pages, which go before the last page, the back cover (page 16).
    pages_per_sheet: int = 1


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    columns: int
    layout: Layout
    rtl: bool = False           # right-to-left text flows from the right-hand column to the left-hand one

    def column_width(self) -> float:
        m = self.layout.margins
        usable = self.width - m["inside"] - m["outside"]
        return (usable - self.layout.gutter * (self.columns - 1)) / self.columns

    def usable_width(self) -> float:
        return self.width - self.layout.margins["inside"] - self.layout.margins["outside"]

    def left_margin(self, page_is_odd: bool) -> float:
        """The inside margin is at the binding: on the left of a right-hand (odd) page, except in a
        right-to-left document, bound on the right, whose odd pages are left-hand pages."""
        m = self.layout.margins
        return m["inside"] if page_is_odd != self.rtl else m["outside"]

    def columns_frames(self, prefix: str, top: float, bottom: float, page_is_odd: bool,
                       frame: type[Frame] = Frame) -> list[Frame]:
        x0 = self.left_margin(page_is_odd)
        w = self.column_width()
        frames = []
        for i in range(self.columns):
            frames.append(frame(x0 + i * (w + self.layout.gutter), bottom, w, top - bottom,
                                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                                id=f"{prefix}{i}"))
        if self.rtl:
            frames.reverse()
        return frames


class DoesNotFit(Exception):
    """Something is too large for every frame it could go in (reportlab's LayoutError, whose message is an
    object dump), with the section it belongs to and the frame it was offered; the render entry point turns it
    into one line for the user."""

    def __init__(self, section: str | None, frame: tuple[float, float] | None) -> None:
        super().__init__(section, frame)
        self.section, self.frame = section, frame


def _section_of(flowables: list[Flowable]) -> str | None:
    """The section a flowable opens: a section heading, or the conditional break just before one."""
    for flowable in flowables[:2]:
        if isinstance(flowable, SectionHeading) and flowable.outline_level == 0:
            return flowable.outline_key.removeprefix("sec-")
    return None


class KeepWithFirstLines(KeepTogether):
    """A heading (keepWithNext) and the flowable after it. reportlab's KeepTogether moves both to the next frame
    whenever they do not fit, which opens a hole under a heading followed by a long list, and a list that splits
    can leave the heading with a single item. Here the heading stays where it is when what follows can split
    with at least `min_height` (two body lines) of it under the heading; otherwise both move on together."""

    min_height = 0.0

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > aH and len(self._content) >= 2:
            *head, rest = self._content
            used = 0.0
            for index, flowable in enumerate(head):
                _, h = flowable.wrapOn(self.canv, aW, aH)
                used += h + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if index else 0)
            room = aH - used - rest.getSpaceBefore()
            parts = rest.splitOn(self.canv, aW, room) if room > self.min_height else []
            if len(parts) >= 2 and not isinstance(parts[0], ActionFlowable) \
                    and self.min_height <= _leading_height(parts, self.canv, aW, room, self.min_height) <= room:
                return [*head, *parts]
        return super().split(aW, aH)


def _leading_height(parts: list[Flowable], canv: Any, width: float, room: float, enough: float) -> float:
    """How tall the first parts of a split stand under a heading, up to `enough` or until the next would not fit
    in `room`. A list splits into its items: a first item of one line is short of two lines, but with the next
    item it is not (a Spanish booklet left half a page blank before an 8-item list whose first item was short)."""
    height = after = 0.0
    for index, part in enumerate(parts):
        if isinstance(part, ActionFlowable):
            break
        gap = max(part.getSpaceBefore() - after, 0.0) + after if index else 0.0   # as a frame spaces them
        _, h = part.wrapOn(canv, width, room)
        if index and height + gap + h > room:
            break
        height += gap + h
        if height >= enough:
            break
        after = part.getSpaceAfter()
    return height


def _may_follow(flowable: Flowable) -> bool:
    """What a heading may keep with: any flowable but page-flow actions and reportlab's conditional blocks."""
    return isinstance(flowable, (ListFlowable, KeepTogether)) or _ktAllow(flowable)


class LeafletDocTemplate(BaseDocTemplate):
    """Platypus's document on a FinishingCanvas: with `published` (the content's publication date, for the
    file's dates) the file comes out finished (handouts.pdf.finishing), `bleed` (points) grown for a print
    shop."""

    tagger: "tagging.Tagger | None" = None   # set to record marked content for a tagged PDF (handouts.tagging)
    section: str | None = None               # the section being laid out, for DoesNotFit
    finish: Finish | None = None
    # measure_pages: what the layout placed, in order (pages begun, flowables placed, headings), to draw later
    placed: "list[tuple] | None" = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        opening = _section_of(flowables)
        try:
            super().handle_flowable(flowables)
        except ReportlabLayoutError:
            frame = getattr(self, "frame", None)
            size = (frame._width, frame._height) if frame is not None else None
            raise DoesNotFit(opening or self.section, size) from None

    def __init__(self, *args: Any, published: Any = None, bleed: float = 0.0, **kwargs: Any) -> None:
        # reportlab reads SOURCE_DATE_EPOCH itself and fails on a bad value with a bare ValueError: check first.
        source_date_epoch()
        super().__init__(*args, **kwargs)
        if published is not None:
            self.finish = Finish.of(published, bleed)

    def build(self, flowables: list[Flowable], filename: Any = None,
              canvasmaker: type[Canvas] = FinishingCanvas) -> None:
        super().build(flowables, filename, canvasmaker)

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        """reportlab's, except that a heading also keeps with a list or a kept-together figure after it (reportlab
        leaves containers out, so a heading above a list or a figure could end a page alone)."""
        i = 0
        while i < len(flowables) and flowables[i].getKeepWithNext() and _ktAllow(flowables[i]):
            i += 1
        if not i:
            return
        if i < len(flowables) and _may_follow(flowables[i]):
            i += 1
        kept = self.keepTogetherClass(flowables[:i])
        for flowable in kept._content[:-1]:
            flowable.__dict__["keepWithNext"] = 0
        del flowables[:i]
        flowables.insert(0, kept)

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        if self.tagger is not None:
            self.tagger.attach(self.canv)
        self.canv.finish = self.finish

    def afterFlowable(self, flowable: Flowable) -> None:
        """Headings become outline entries (bookmarks) pointing at the page where they landed; and how full the
        page is where the last flowable ended (write_pdf's last_fill)."""
        if not getattr(flowable, "fills_page", False):   # the notes area (handouts.pdf.notes) takes what is left
            self.last_fill = _fill(self.pageTemplate.frames, self.frame)
        if isinstance(flowable, SectionHeading):
            if flowable.outline_level == 0:
                self.section = flowable.outline_key.removeprefix("sec-")
            if self.placed is not None:
                self.placed.append(("outline", flowable))
            _outline(self.canv, flowable)

    def handle_pageBegin(self) -> None:
        if self.placed is not None:
            self.placed.append(("page", self.pageTemplate.id))
        super().handle_pageBegin()


def _outline(canvas: Canvas, heading: SectionHeading) -> None:
    """A heading's bookmark: an outline entry pointing at the page being drawn."""
    canvas.bookmarkPage(heading.outline_key)
    canvas.addOutlineEntry(heading.outline_title, heading.outline_key, level=heading.outline_level, closed=False)


def _furniture_canvas(furniture: Furniture, geometry: PageGeometry) -> type[Canvas]:
    """A canvas that holds pages back until the end so that each footer knows the page count."""

    class FurnitureCanvas(FinishingCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            per_sheet = furniture.pages_per_sheet
            total = -(-len(self._held) // per_sheet) * per_sheet   # the pages the reader holds
            kept = FurnitureText(_furniture_style(furniture, geometry.layout))
            for index, state in enumerate(self._held):
                self.__dict__.update(state)
                back_cover = per_sheet > 1 and index == len(self._held) - 1
                number = total if back_cover else self._pageNumber   # the back cover is the booklet's last page
                with tagging.artifact(self, "Pagination"):   # running header and footer: not content
                    _draw_furniture(self, furniture, geometry, number, total, kept)
                with stage("write"):   # the page's content stream, compressed
                    super().showPage()
            with stage("write"):
                super().save()

    return FurnitureCanvas


class FurnitureText:
    """The furniture's paragraphs of one document, each wrapped once: the header's and footer's lines are the
    same on every page (only the page label changes), and a paragraph drawn again writes the same operators.
    `style` is the furniture's small print (_furniture_style)."""

    def __init__(self, style: Any) -> None:
        self.style = style
        self._wrapped: dict[tuple[str, float, bool], tuple[Paragraph, float]] = {}

    def place(self, canvas: Canvas, markup: str, x: float, y: float, width: float, align_right: bool) -> float:
        """Draw a paragraph of page furniture hanging from y; returns its height so the next line can follow."""
        key = (markup, width, align_right)
        found = self._wrapped.get(key)
        if found is None:
            para = Paragraph(markup, self.style.clone("furniture", alignment=2 if align_right else 0))
            _, h = para.wrap(width, 200)
            found = self._wrapped[key] = (para, h)
        para, h = found
        para.drawOn(canvas, x, y - h)
        return h


def _furniture_style(f: Furniture, layout: Layout) -> Any:
    """Furniture stays small print at every reading level, so that long localised dates fit the footer band, but
    never under the layout's floor (large print promises 12 pt headers, footers and page numbers)."""
    size = max(layout.floors.furniture, min(8.5, f.styles.small.fontSize))
    return f.styles.small.clone("furniture_small", fontSize=size, leading=size * 1.25)


def _draw_furniture(canvas: Canvas, f: Furniture, g: PageGeometry, page: int, total: int,
                    text: FurnitureText | None = None) -> None:
    """One page's running header (not on the cover), footer and page label. `text`: the document's furniture
    paragraphs so far, shared by its pages."""
    layout = g.layout
    m = layout.margins
    odd = page % 2 == 1
    left = g.left_margin(odd)
    width = g.usable_width()
    place = (text or FurnitureText(_furniture_style(f, layout))).place
    c = palette(layout)
    canvas.saveState()
    if page > 1:
        top = g.height - m["top"]
        half = width / 2 - 4
        # The title sits at the margin where reading starts, the publisher at the other: mirrored for
        # right-to-left, and each half aligned to its own margin so that they never meet mid-page.
        first, second = (f.header_right, f.header_left) if f.rtl else (f.header_left, f.header_right)
        place(canvas, first, left, top, half, False)
        place(canvas, second, left + width / 2 + 4, top, half, True)
        canvas.setStrokeColor(c["rule"])
        canvas.setLineWidth(0.6)
        rule_y = top - layout.header_height + 3
        canvas.line(left, rule_y, left + width, rule_y)
    bottom_top = m["bottom"] + layout.footer_height - 2
    canvas.setStrokeColor(c["rule"])
    canvas.setLineWidth(0.6)
    canvas.line(left, bottom_top, left + width, bottom_top)
    number_w = width * 0.25
    text_w = width - number_w
    # Page numbers sit in the outside corner; right-to-left documents mirror the footer.
    number_left = (not odd) != f.rtl
    text_x = left + (number_w if number_left else 0)
    num_x = left if number_left else left + text_w
    used = place(canvas, f.footer_left, text_x, bottom_top - 3, text_w, f.rtl)
    place(canvas, f.footer_status, text_x, bottom_top - 3 - used, text_w, f.rtl)
    place(canvas, f.page_label(page, total), num_x, bottom_top - 3, number_w, not number_left)
    canvas.restoreState()


def _band_text(f: Furniture, g: PageGeometry) -> tuple[Paragraph, Paragraph, float, float]:
    """The cover band's title and subtitle, wrapped: their paragraphs and heights."""
    band = g.layout.cover_band_height
    width = g.usable_width()
    title = Paragraph(f.title, f.styles.cover_title.clone("ct", alignment=2 if f.rtl else 0), tag_role="H1")
    sub = Paragraph(f.subtitle, f.styles.cover_subtitle.clone("cs", alignment=2 if f.rtl else 0))
    _, th = title.wrap(width, band)
    _, sh = sub.wrap(width, band)
    return title, sub, th, sh


MAX_BAND_SHARE = 0.4   # a title band may grow to this share of the page for a long title, never more


def _band_for_title(f: Furniture, g: PageGeometry) -> Layout:
    """The layout with a cover band tall enough for this document's title and subtitle: the layout's height is the
    least, and a long title (a narrow booklet page, a long language) grows it up to MAX_BAND_SHARE of the page."""
    from dataclasses import replace

    *_, th, sh = _band_text(f, g)
    padding = 8 * 2.83465
    needed = min(th + sh + padding, g.height * MAX_BAND_SHARE)
    if needed <= g.layout.cover_band_height:
        return g.layout
    return replace(g.layout, cover_band_height=needed)


def _check_cover_band(f: Furniture, g: PageGeometry) -> None:
    """Before drawing: a title too long for the band would be drawn above the page, cut off."""
    band = g.layout.cover_band_height
    *_, th, sh = _band_text(f, g)
    if th + sh > band:
        raise OverflowError_(f"the title and subtitle need {(th + sh) / 2.83465:.0f} mm of the cover band, "
                             f"which is {band / 2.83465:.0f} mm tall",
                             hint="shorten 'title' or 'subtitle' in the front matter or topic.yaml")


def _cover_band(f: Furniture, g: PageGeometry) -> Callable[[Canvas, Any], None]:
    def draw(canvas: Canvas, doc: Any) -> None:
        layout = g.layout
        band = layout.cover_band_height
        canvas.saveState()
        with tagging.artifact(canvas):   # the band's colour is decoration; the title on it is the H1
            canvas.setFillColor(palette(layout)["accent"])
            # With a bleed the band runs past the trim into it (handouts.pdf.finishing grows the
            # page around the trimmed page), and stops there, clear of the crop marks.
            over = layout.bleed
            canvas.rect(-over, g.height - band, g.width + 2 * over, band + over, stroke=0, fill=1)
        left = g.left_margin(True)
        title, sub, th, sh = _band_text(f, g)
        y = g.height - band + (band - th - sh) / 2 + th + sh
        title.drawOn(canvas, left, y - th)
        sub.drawOn(canvas, left, y - th - sh)
        canvas.restoreState()
    return draw


def cover_space(layout: Layout, paper: str) -> float:
    """Height (points) between the cover band and the footer: what the cover's full-width boxes may fill."""
    height = layout.page_size(paper)[1]
    return height - layout.cover_band_height - 8 * 2.83465 - layout.margins["bottom"] - layout.footer_height


def stack_height(flowables: list[Flowable], width: float, available: float) -> float:
    """Height of flowables stacked in one frame, with their spacing."""
    total = 0.0
    for flowable in flowables:
        _, h = flowable.wrap(width, available)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


@dataclass(frozen=True)
class Written:
    pages: int
    last_fill: float    # share of the last page's frames that text took, 0..1 (handouts check --pages measures it)
    # Draws the page furniture and writes the file into the target. Deferred (write_pdf(..., defer=True)) so
    # that a layout the caller then discards (a trial spacing, handouts.pdf.render) is never written out.
    finish: Callable[[], None] = lambda: None


def write_pdf(target: Any, *, paper: str, layout: Layout, columns: int, furniture: Furniture,
              cover_flowables: list[Flowable], body_flowables: list[Flowable], metadata: dict[str, str],
              lang: str, base_font: str, tagger: "tagging.Tagger | None" = None, defer: bool = False,
              published: Any = None) -> Written:
    """Write one PDF to `target` (a path or a binary file); returns the page count and how full the last page
    is. A `tagger` records the marked content that becomes the structure tree. With `published` (a date) the
    file is finished as it is written (handouts.pdf.finishing: dates, XMP, tree, the layout's bleed). With
    `defer`, the pages are laid out and drawn but the file is only written when the result's finish() is called
    (the same bytes as without: nothing the canvas writes depends on when). The bytes are those of
    measure_pages(...).draw(...) too (tests/test_render_balance.py holds the two to it)."""
    g, doc, story = _document(target, paper=paper, layout=layout, columns=columns, furniture=furniture,
                              cover_flowables=cover_flowables, body_flowables=body_flowables, metadata=metadata,
                              lang=lang, base_font=base_font, published=published, placed=None)
    doc.tagger = tagger
    if defer:
        doc._doSave = 0   # reportlab's switch: _endBuild leaves canv.save() to us
    doc.build(story, canvasmaker=_furniture_canvas(furniture, g))
    return Written(doc.page, getattr(doc, "last_fill", 1.0), doc.canv.save if defer else lambda: None)


def measure_pages(*, paper: str, layout: Layout, columns: int, furniture: Furniture,
                  cover_flowables: list[Flowable], body_flowables: list[Flowable], lang: str,
                  base_font: str) -> "Measured":
    """The page count and last page's fill write_pdf would report for these flowables, found by laying them out
    without drawing anything: what a trial spacing needs (handouts.pdf.render), for about a quarter of the cost
    of a drawn pass (text runs, figures, tags and furniture are what a pass spends the rest on). The flowables
    are used up, as by write_pdf; the result draws the layout if the caller keeps it (Measured.draw)."""
    placed: list[tuple] = []
    g, doc, story = _document(None, paper=paper, layout=layout, columns=columns, furniture=furniture,
                              cover_flowables=cover_flowables, body_flowables=body_flowables, metadata={},
                              lang=lang, base_font=base_font, published=None, placed=placed)
    doc._doSave = 0
    doc.build(story, canvasmaker=_LayoutCanvas)
    return Measured(doc.page, getattr(doc, "last_fill", 1.0), placed, g, furniture, doc.pageTemplates, lang,
                    base_font)


@dataclass(frozen=True)
class Measured:
    """A layout measured without drawing (measure_pages): its page count, its last page's fill, and what it
    placed where, so that the layout kept is drawn without laying it out again."""

    pages: int
    last_fill: float
    placed: list[tuple]          # ("page", template id) | ("draw", flowable, frame, x, y, _sW) | ("outline", heading)
    geometry: PageGeometry       # with the cover band grown for the title, as laid out
    furniture: Furniture
    templates: list[PageTemplate]
    lang: str
    base_font: str

    def draw(self, target: Any, *, metadata: dict[str, str], tagger: "tagging.Tagger | None", published: Any
             ) -> Written:
        """What write_pdf(..., defer=True) gives for the same flowables: the canvas gets the same calls in the
        same order (each page's template and band, each flowable drawn where the layout put it, the bookmarks),
        only platypus's layout is not run again; the file is written by the result's finish()."""
        g = self.geometry
        doc = _doc_template(target, g, metadata, self.lang, self.base_font, published)
        doc.tagger = tagger
        doc.addPageTemplates(self.templates)
        doc._startBuild(target, _furniture_canvas(self.furniture, g))
        canv = doc.canv
        canv._doctemplate = doc
        templates = {template.id: template for template in self.templates}
        band = _cover_band(self.furniture, g)   # the cover template's onPage in write_pdf
        try:
            for event in self.placed:
                if event[0] == "page":
                    if doc.page:
                        _end_page(doc)
                    doc.pageTemplate = template = templates[event[1]]
                    doc.page += 1
                    template.beforeDrawPage(canv, doc)
                    template.checkPageSize(canv, doc)
                    if template.id == "cover":
                        band(canv, doc)
                    doc.beforePage()
                elif event[0] == "draw":
                    _, flowable, frame, x, y, width_left = event
                    flowable._frame, flowable.canv = frame, canv   # as Frame._add leaves them while drawing
                    try:
                        flowable.drawOn(canv, x, y, _sW=width_left)
                    finally:
                        for name in ("canv", "_frame"):
                            flowable.__dict__.pop(name, None)
                else:
                    _outline(canv, event[1])
            if doc.page:
                _end_page(doc)
        finally:
            del canv._doctemplate
        return Written(doc.page, self.last_fill, canv.save)


def _end_page(doc: BaseDocTemplate) -> None:
    """platypus's handle_pageEnd, as the canvas sees it."""
    template, canv = doc.pageTemplate, doc.canv
    template.afterDrawPage(canv, doc)
    template.onPageEnd(canv, doc)
    doc.afterPage()
    canv.setPageRotation(getattr(template, "rotation", doc.rotation))
    canv.showPage()


class _LayoutFrame(Frame):
    """A frame that places flowables as Frame does (wrap, split, space before and after) but does not draw
    them: it notes where each one goes (`placed`, shared with the doc template) for Measured.draw."""

    placed: list[tuple]   # set on the subclass _document makes for one layout

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        def place(canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
            self.placed.append(("draw", flowable, self, x, y, _sW))

        # an instance attribute shadows the class's drawOn for this one call (set in __dict__: some flowables
        # validate their attributes)
        flowable.__dict__["drawOn"] = place
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            flowable.__dict__.pop("drawOn", None)

    add = _add


class _LayoutCanvas(Canvas):
    """The canvas of a layout that is measured, never written: a finished page is dropped, not kept."""

    def showPage(self) -> None:
        self._startPage()


def _document(target: Any, *, paper: str, layout: Layout, columns: int, furniture: Furniture,
              cover_flowables: list[Flowable], body_flowables: list[Flowable], metadata: dict[str, str],
              lang: str, base_font: str, published: Any, placed: list[tuple] | None
              ) -> tuple[PageGeometry, "LeafletDocTemplate", list[Flowable]]:
    """The doc template, its page templates and the story, for write_pdf, or with `placed` for measure_pages
    (frames that note where flowables go instead of drawing them, no cover band): the same frames either way,
    so both lay the pages out alike."""
    width, height = layout.page_size(paper)
    g = PageGeometry(width, height, columns, layout, furniture.rtl)
    layout = _band_for_title(furniture, g)
    g = PageGeometry(width, height, columns, layout, furniture.rtl)
    m = layout.margins
    doc = _doc_template(target, g, metadata, lang, base_font, published)
    drawn = placed is None
    frame = Frame if drawn else type("_Placing", (_LayoutFrame,), {"placed": placed})
    doc.placed = placed
    body_top = height - m["top"] - layout.header_height
    body_bottom = m["bottom"] + layout.footer_height
    cover_top = height - layout.cover_band_height - 8 * 2.83465
    # The cover: full-width frame sized to the summary, then the columns below it.
    cover_frames: list[Frame] = []
    full_w = g.usable_width()
    _check_cover_band(furniture, g)
    space = cover_top - body_bottom
    summary_h = stack_height(cover_flowables, full_w, space)
    if summary_h > space:  # the frame would reach below the page: refuse rather than draw text off it
        raise OverflowError_(f"the cover's boxes are {summary_h / 2.83465:.0f} mm tall, more than the "
                             f"{space / 2.83465:.0f} mm the cover has on {paper}",
                             hint="shorten the summary box or the clinic profile's fields")
    if cover_flowables:
        summary_h += 6
        cover_frames.append(frame(g.left_margin(True), cover_top - summary_h, full_w, summary_h,
                                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="summary"))
    cover_frames += g.columns_frames("cover", cover_top - summary_h, body_bottom, True, frame)
    if drawn:
        cover = PageTemplate("cover", cover_frames, onPage=_cover_band(furniture, g))
    else:
        cover = PageTemplate("cover", cover_frames)
    templates = [
        cover,
        PageTemplate("even", g.columns_frames("even", body_top, body_bottom, False, frame)),
        PageTemplate("odd", g.columns_frames("odd", body_top, body_bottom, True, frame)),
    ]
    body = furniture.styles.body
    doc.keepTogetherClass = type("KeepWithTwoLines", (KeepWithFirstLines,),
                                 {"min_height": body.leading * 2 - 0.5})
    doc.addPageTemplates(templates)
    story: list[Flowable] = [NextPageTemplate(["even", "odd"]), *cover_flowables]
    if cover_flowables:
        story.append(FrameBreak())
    story += body_flowables
    return g, doc, story


def _doc_template(target: Any, g: PageGeometry, metadata: dict[str, str], lang: str, base_font: str,
                  published: Any) -> LeafletDocTemplate:
    m = g.layout.margins
    return LeafletDocTemplate(
        target, pagesize=(g.width, g.height),
        leftMargin=m["inside"], rightMargin=m["outside"], topMargin=m["top"], bottomMargin=m["bottom"],
        title=metadata.get("title", ""), author=metadata.get("author", ""), subject=metadata.get("subject", ""),
        keywords=metadata.get("keywords", ""), creator=metadata.get("creator", ""),
        producer=metadata.get("producer", ""), lang=lang, invariant=1, pageCompression=1,
        displayDocTitle=1, initialFontName=base_font, published=published, bleed=g.layout.bleed,
    )


def _fill(frames: list[Frame], current: Frame | None) -> float:
    """How much of a page the text took: the frames filled before the current one, and the current one down to
    where its last flowable ended."""
    ids = [f.id for f in frames if f.id != "summary"]
    if current is None or current.id not in ids:
        return 1.0
    index = ids.index(current.id)
    used = (current._y2 - current._y) / current._height if current._height > 0 else 1.0
    return (index + max(0.0, min(1.0, used))) / len(ids)
