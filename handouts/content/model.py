"""The content model: what a leaflet says, independent of how it is drawn.

Readers fill it from files, the layout and PDF stages draw it, and checks, tags and the HTML twin read it. No I/O
here, so every later step can be tested on hand-made models.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

# What a section is for, where layouts need to know: a topic names its own sections and gives some of them a role.
#   intro       the first section: its `::: summary` box goes on the cover, its first figure on a tri-fold cover
#   red-flags   when to get help: its `::: warning` box; every topic has one and every layout shows it
#   actions     what to do today: its `::: checklist` goes on a tri-fold's flap
#   signs, diagnosis, treatment, prevention: the parts a tri-fold's inside panels summarise
#   references  sources: listed in full at the detailed level, not measured for reading level
ROLES: tuple[str, ...] = ("intro", "red-flags", "actions", "signs", "diagnosis", "treatment", "prevention",
                          "references")
REQUIRED_ROLES: tuple[str, ...] = ("intro", "red-flags")

LEVELS: tuple[str, ...] = ("easy", "standard", "detailed")

# The only links a leaflet may carry: web pages, phone numbers and e-mail addresses (never javascript: or file:).
LINK_SCHEMES: tuple[str, ...] = ("http://", "https://", "tel:", "mailto:")


@dataclass(frozen=True)
class Span:
    """A run of inline text with one set of attributes; `href` makes it a live link; `lang` (a BCP 47 tag) says
    it is in another language than the document (content markup `[words]{lang=en}`); `needs` names the figure
    the words point to ("do the three stretches"), so a layout that leaves that figure out leaves them out too."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    lang: str | None = None
    needs: str | None = None   # a figure id (`[words]{needs=ID}`): see `without_items_needing`


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Heading:
    level: int
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple["Block", ...], ...]
    checklist: bool = False


@dataclass(frozen=True)
class Figure:
    figure_id: str
    caption: str
    line: int | None = None


@dataclass(frozen=True)
class Box:
    """A container from a `::: kind Title` fence: key points, summary, warning, checklist."""

    kind: str
    title: str
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class PictureRow:
    """Easy Read: one short idea with its picture beside it."""

    figure_id: str
    blocks: tuple["Block", ...]
    line: int | None = None


Block = Paragraph | Heading | ListBlock | Figure | Box | PictureRow


def box_title_levels(blocks: "tuple[Block, ...] | list[Block]", section_level: int = 2) -> list[int]:
    """The heading level a box title takes at each block of a section: the level after the heading the box
    sits under (3 under the section's heading, 4 after one of its subheadings), so that the list of headings a
    screen reader offers never skips a level. The tagged PDF and the HTML twin both use it, so they agree."""
    levels, current = [], section_level
    for block in blocks:
        if isinstance(block, Heading):
            current = section_level + 1   # a section's subheadings are one level below it
        levels.append(current + 1)
    return levels


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    source_hash: str = ""
    line: int = 0


@dataclass(frozen=True)
class Reference:
    id: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class FigureText:
    """A figure's words in one language: its text alternative and the labels drawn inside it."""

    alt: str
    labels: dict[str, str]


@dataclass(frozen=True)
class SectionSpec:
    """One section a topic declares in topic.yaml: its stable id (the same in every language and level) and its
    role, if layouts need to find it."""

    id: str
    role: str = ""


@dataclass(frozen=True)
class Reviewer:
    """The clinician who checked a topic's text (PIF TICK asks every leaflet to name them). An empty name means
    no clinician has reviewed it yet, and the leaflet must say so rather than claim review."""

    name: str = ""
    role: str = ""
    reviewed: _dt.date | None = None

    @property
    def present(self) -> bool:
        return bool(self.name.strip())


@dataclass(frozen=True)
class Topic:
    id: str
    path: Path
    titles: dict[str, str]
    subtitles: dict[str, str]
    publisher: str
    published: _dt.date
    review: _dt.date
    version: str
    keywords: dict[str, list[str]]
    references: tuple[Reference, ...]
    sections: tuple[SectionSpec, ...] = ()
    author: str = ""
    reviewer: Reviewer = field(default_factory=Reviewer)
    # the publisher's and the author's names in other languages (topic.yaml may give one per language): an
    # Arabic leaflet's running header should not be the only English on its pages
    publisher_names: dict[str, str] = field(default_factory=dict)
    author_names: dict[str, str] = field(default_factory=dict)

    def publisher_in(self, lang: str) -> str:
        return self.publisher_names.get(lang) or self.publisher

    def author_in(self, lang: str) -> str:
        return self.author_names.get(lang) or self.author

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(spec.id for spec in self.sections)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(spec.role for spec in self.sections if spec.role)

    def section_with(self, role: str) -> str | None:
        """The id of the section that has this role, if the topic has one."""
        return next((spec.id for spec in self.sections if spec.role == role), None)


@dataclass(frozen=True)
class Document:
    """One topic in one language at one reading level: the unit that layouts turn into PDFs."""

    topic: Topic
    lang: str
    level: str
    path: Path
    title: str
    subtitle: str
    status: str
    sections: tuple[Section, ...]
    figures: dict[str, FigureText] = field(default_factory=dict)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def section_with(self, role: str) -> Section | None:
        """The section that has this role in the topic (None if the topic gives no section that role)."""
        section_id = self.topic.section_with(role)
        return self.section(section_id) if section_id else None

    def summary_box(self) -> Box | None:
        """The `::: summary` box of the first section: layouts put it on the cover."""
        intro = self.topic.section_with("intro")
        first = self.section(intro) if intro else None
        if first is None:
            return None
        return next((b for b in first.blocks if isinstance(b, Box) and b.kind == "summary"), None)

    def blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block of every section, with its section, in reading order (see `walk`)."""
        for section in self.sections:
            for block in walk(section.blocks):
                yield section, block

    def figure_ids(self) -> list[str]:
        """Every figure the prose refers to, in reading order."""
        return [block.figure_id for _, block in self.blocks() if isinstance(block, (Figure, PictureRow))]

    def unshown_needs(self) -> list[str]:
        """Figures that words point to (`{needs=ID}`) but that the document itself never shows: a mistake."""
        shown = set(self.figure_ids())
        return list(dict.fromkeys(span.needs for _, block in self.blocks() if isinstance(block, (Paragraph, Heading))
                                  for span in block.spans if span.needs and span.needs not in shown))


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block depth first, in reading order: a box, a picture row or a list comes before what it holds.
    The one way code visits the model's tree, so a new kind of container is opened in one place."""
    for block in blocks:
        yield block
        if isinstance(block, (Box, PictureRow)):
            yield from walk(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item)


def without_items_needing(blocks: Iterable[Block], shown: set[str]) -> list[Block]:
    """The blocks with every list item dropped whose words point to a figure not in `shown`, and any list or box
    left empty by that: a tri-fold keeps the checklist but not the stretches, so "Do the three gentle stretches"
    would send a patient to instructions the sheet does not have."""
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, ListBlock):
            items = tuple(tuple(without_items_needing(item, shown)) for item in block.items
                          if not _own_needs(item) - shown)   # a nested list's items are judged on their own
            if items:
                kept.append(ListBlock(block.ordered, items, block.checklist))
        elif isinstance(block, Box):
            inner = without_items_needing(block.blocks, shown)
            if any(not isinstance(b, Heading) for b in inner):
                kept.append(Box(block.kind, block.title, tuple(inner)))
        else:
            kept.append(block)
    return kept


def _own_needs(item: tuple[Block, ...]) -> set[str]:
    return {span.needs for block in item if isinstance(block, Paragraph) for span in block.spans if span.needs}
