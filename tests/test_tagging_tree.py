"""The structure tree written as ready bytes (handouts.pdf.tagging._StructureWriter): what pikepdf reads back
is the tree recorded while drawing, with its references, parent tree, text strings and links."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf

from handouts.pdf import tagging
from handouts.pdf.finishing import Finish, FinishingCanvas

ALT = "Knees bent – a pillow under them"      # not ASCII: written as UTF-16
ARABIC = "ألم أسفل الظهر"


def _tagged_file() -> bytes:
    out = io.BytesIO()
    canvas = FinishingCanvas(out, pageCompression=1, invariant=1)
    canvas.finish = Finish(dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc))
    tagger = tagging.Tagger()
    tagger.attach(canvas)
    split = object()   # a paragraph split across two pages: one element, its second part an MCR
    with tagging.leaf(canvas, "H1"):
        canvas.drawString(72, 760, "Back pain")
    with tagging.group(canvas, "Div", "box"):
        with tagging.leaf(canvas, "P", split):
            canvas.drawString(72, 700, "Keep moving, and")
        with tagging.group(canvas, "L"):   # drew nothing: left out of the tree
            pass
    with tagging.leaf(canvas, "Figure", alt=ALT):
        canvas.rect(72, 500, 100, 100)
    with tagging.leaf(canvas, "P", actual_text=ARABIC):
        canvas.drawString(72, 450, "glyphs")
    canvas.showPage()
    with tagging.leaf(canvas, "P", split):
        canvas.drawString(72, 760, "rest when it hurts.")
    with tagging.leaf(canvas, "P"):
        canvas.drawString(72, 700, "More: example.org")
        canvas.linkURL("https://example.org", (70, 695, 200, 712), relative=0)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _kids(element: pikepdf.Object) -> list:
    k = element.K
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def test_the_tree_written_as_bytes_reads_back_as_recorded():
    with pikepdf.open(io.BytesIO(_tagged_file())) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        root = pdf.Root.StructTreeRoot
        assert root.Type == "/StructTreeRoot"
        (document,) = _kids(root)
        assert document.S == "/Document" and document.P.objgen == root.objgen
        h1, div, figure, shaped, link_paragraph = _kids(document)
        assert [e.S for e in (h1, div, figure, shaped, link_paragraph)] == ["/H1", "/Div", "/Figure", "/P", "/P"]
        assert all(e.P.objgen == document.objgen for e in (h1, div, figure, shaped, link_paragraph))
        page1, page2 = pdf.pages
        assert h1.Pg.objgen == page1.objgen and h1.K == 0
        (split,) = _kids(div)   # the empty list is not written
        assert split.S == "/P" and split.P.objgen == div.objgen
        first, second = _kids(split)
        assert first == 1 and second.Type == "/MCR" and second.MCID == 0 and second.Pg.objgen == page2.objgen
        assert str(figure.Alt) == ALT and str(shaped.ActualText) == ARABIC
        # the link: its text (found inside the annotation's rectangle) and its OBJR in a Link element, the
        # annotation pointing back through the parent tree
        (link,) = _kids(link_paragraph)
        assert link.S == "/Link" and link.P.objgen == link_paragraph.objgen and link.Pg.objgen == page2.objgen
        text, objr = _kids(link)
        annotation = objr.Obj
        assert text == 1 and objr.Type == "/OBJR" and objr.Pg.objgen == page2.objgen
        assert annotation.objgen == page2.Annots[0].objgen and str(annotation.Contents) == "https://example.org"
        nums = list(root.ParentTree.Nums)
        tree = dict(zip([int(n) for n in nums[::2]], nums[1::2]))
        assert int(root.ParentTreeNextKey) == len(tree) == 3
        assert [e.objgen for e in tree[int(page1.StructParents)]] == [h1.objgen, split.objgen, figure.objgen,
                                                                        shaped.objgen]
        assert [e.objgen for e in tree[int(page2.StructParents)]] == [split.objgen, link.objgen]
        assert tree[int(annotation.StructParent)].objgen == link.objgen
        assert page1.Tabs == "/S" == page2.Tabs


def test_the_tree_is_the_same_bytes_each_time():
    assert _tagged_file() == _tagged_file()
