"""Bookmarks (the outline) carried from source PDFs into one made of their pages: a packet, a booklet.

An outline item points at a page; in the new file that page is another object (a packet's copy of it, or the
sheet a booklet draws it on), so each item is rebuilt with its destination re-pointed, its title and nesting kept.
Items whose page did not come along point at the nearest page that did (`fallback`), never at nothing.
"""

from __future__ import annotations

from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, OutlineItem

# A source page's (object number, generation) -> the 0-based index of the target page that shows it.
PageIndex = Callable[[tuple[int, int]], "int | None"]


def _named_destinations(source: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    found: dict[str, pikepdf.Object] = {}
    old = source.Root.get("/Dests")
    if isinstance(old, Dictionary):
        found.update({str(k)[1:]: old[k] for k in old.keys()})
    names = source.Root.get("/Names")
    if isinstance(names, Dictionary) and "/Dests" in names:
        for key, value in pikepdf.NameTree(names.Dests).items():
            found[str(key)] = value
    return found


def _target_page(item: OutlineItem, named: dict[str, pikepdf.Object]) -> pikepdf.Object | None:
    """The page object an outline item goes to: its /Dest, or a GoTo action's /D; named or explicit."""
    dest = item.destination
    if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
        dest = item.action.get("/D")
    if isinstance(dest, (pikepdf.String, pikepdf.Name, str)):
        dest = named.get(str(dest).lstrip("/"))
        if isinstance(dest, Dictionary):
            dest = dest.get("/D")
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary):
        return dest[0]
    return None


def copy_outline(source: pikepdf.Pdf, page_index: PageIndex, fallback: int) -> list[OutlineItem]:
    """The source's outline as new items for the target, in order and nested as they were."""
    named = _named_destinations(source)

    def convert(items: list[OutlineItem]) -> list[OutlineItem]:
        out = []
        for item in items:
            page = _target_page(item, named)
            index = page_index(page.objgen) if page is not None else None
            new = OutlineItem(str(item.title), fallback if index is None else index)
            new.children.extend(convert(list(item.children)))
            out.append(new)
        return out

    with source.open_outline() as outline:
        return convert(list(outline.root))
