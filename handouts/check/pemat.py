"""The machine-checkable items of PEMAT-P (the Patient Education Materials Assessment Tool for printable materials,
AHRQ) and the CDC Clear Communication Index, checked over the content model.

Most PEMAT and CDC items need a human judge; these six can be read off the model. Each is a small function whose
docstring is its rule, measured with the words of the document's language entry where words matter:

| item | PEMAT-P / CDC Index item it stands for | rule |
| --- | --- | --- |
| `summary` | "provides a summary"; CDC: main message at the top | the `intro` section has a `::: summary` box |
| `checklist` | "identifies at least one action", "a tangible tool (checklist)"; CDC: main action | a `::: checklist` in the `actions` section |
| `numbered-steps` | "breaks down any action into explicit steps" | a numbered list of at least two steps |
| `no-calculations` | "does not expect the user to perform calculations" | no phrase of the entry's `calculations:`, no written sum |
| `captions` | "visual aids have clear titles or captions" | every figure has a caption or text beside it, and alt text |
| `red-flags` | CDC: when to act; safety-netting | a `::: warning` box in the `red-flags` section with a word of the entry's `time_frames:` |

Every item is reported for every document. A document fails on the items its level promises (`PROMISED`) and on
those a layout that makes it promises (`layout_promises`: a tri-fold's flap shows the actions checklist, its back
the red-flags warning, its cover the summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from handouts.check import readability
from handouts.check.jargon import find_term
from handouts.config.layouts import Layout
from handouts.content import model
from handouts.content.languages import Language

# What each reading level promises its reader (README: "Checks"). Every level: the summary, captions and red flags
# with time frames. Easy and standard, written for people who want to be told what to do, also promise the
# actions as a checklist and as numbered steps; the detailed level may explain instead.
ALWAYS = ("summary", "captions", "red-flags")
PROMISED: dict[str, tuple[str, ...]] = {
    "easy": ALWAYS + ("checklist", "numbered-steps"),
    "standard": ALWAYS + ("checklist", "numbered-steps"),
    "detailed": ALWAYS,
}

# A sum written out for the reader to do ("3 x 2 =", "10 - 4 ="): a calculation in any language.
_SUM = re.compile(r"\d\s*[×x*÷/+−-]\s*\d[\d.,]*\s*=")


@dataclass(frozen=True)
class Item:
    """One item measured on one document."""

    id: str
    passed: bool
    detail: str
    numbers: dict[str, int] = field(default_factory=dict)
    required_by: tuple[str, ...] = ()   # what promises it: "the easy level", "layout 'trifold'"

    @property
    def required(self) -> bool:
        return bool(self.required_by)

    def as_dict(self) -> dict:
        return {"id": self.id, "passed": self.passed, "required": self.required, "required_by": list(self.required_by),
                "detail": self.detail, "numbers": self.numbers}


def _walk(blocks: Iterable[model.Block]) -> Iterable[model.Block]:
    """Every block, with the blocks inside boxes, picture rows and list items."""
    for block in blocks:
        yield block
        if isinstance(block, (model.Box, model.PictureRow)):
            yield from _walk(block.blocks)
        elif isinstance(block, model.ListBlock):
            for item in block.items:
                yield from _walk(item)


def _all_blocks(document: model.Document) -> list[model.Block]:
    return [b for section in document.sections for b in _walk(section.blocks)]


def summary(document: model.Document, language: Language) -> Item:
    """A summary up front: the section with the `intro` role has a `::: summary` box with something in it."""
    box = document.summary_box()
    units = readability.block_units(box.blocks) if box is not None else []
    if not units:
        return Item("summary", False, "no '::: summary' box in the intro section" if box is None
                    else "the summary box is empty", {"points": 0})
    return Item("summary", True, f"summary box with {len(units)} point(s)", {"points": len(units)})


def checklist(document: model.Document, language: Language) -> Item:
    """The main action stated: the section with the `actions` role has a `::: checklist` with at least one item."""
    section = document.section_with("actions")
    if section is None:
        return Item("checklist", False, "the topic gives no section the 'actions' role", {"items": 0})
    items = sum(len(b.items) for b in _walk(section.blocks) if isinstance(b, model.ListBlock) and b.checklist)
    if not items:
        return Item("checklist", False, f"no '::: checklist' in section '{section.id}'", {"items": 0})
    return Item("checklist", True, f"checklist of {items} action(s) in '{section.id}'", {"items": items})


def numbered_steps(document: model.Document, language: Language) -> Item:
    """Actions as numbered steps: at least one numbered list (`1.`, `2.`) of two or more steps, anywhere."""
    lists = [b for b in _all_blocks(document) if isinstance(b, model.ListBlock) and b.ordered and len(b.items) >= 2]
    steps = sum(len(b.items) for b in lists)
    if not lists:
        return Item("numbered-steps", False, "no numbered list of steps (write them as '1. ...', '2. ...')",
                    {"lists": 0, "steps": 0})
    return Item("numbered-steps", True, f"{len(lists)} numbered list(s), {steps} steps",
                {"lists": len(lists), "steps": steps})


def no_calculations(document: model.Document, language: Language) -> Item:
    """No calculations asked of the reader: no phrase of the language's `calculations:` list ("add up",
    "multiply") starts a word in the prose, and no written-out sum ("3 x 2 ="). Numbers and percentages that
    are only read are fine."""
    anywhere = language.line_breaking == "characters"
    found: list[str] = []
    for unit in readability.prose_units(document):
        found += [p for p in language.calculations if find_term(unit, p, anywhere)]
        found += [m.group(0) for m in _SUM.finditer(unit)]
    if found:
        shown = ", ".join(dict.fromkeys(found))
        return Item("no-calculations", False, f"asks the reader to calculate: {shown}", {"calculations": len(found)})
    return Item("no-calculations", True, "no calculations asked", {"calculations": 0})


def captions(document: model.Document, language: Language) -> Item:
    """Every picture captioned: each `![Caption](figure:ID)` has a caption, each `::: picture` row has text beside
    its picture, and each figure shown has an alt text in figures.yaml."""
    pictures = [b for b in _all_blocks(document) if isinstance(b, (model.Figure, model.PictureRow))]
    bare = [b.figure_id for b in pictures
            if (isinstance(b, model.Figure) and not b.caption.strip())
            or (isinstance(b, model.PictureRow) and not readability.block_units(b.blocks))]
    no_alt = [b.figure_id for b in pictures
              if b.figure_id not in document.figures or not document.figures[b.figure_id].alt.strip()]
    numbers = {"figures": len(pictures), "uncaptioned": len(bare), "without_alt": len(no_alt)}
    problems = ([f"no caption: {', '.join(dict.fromkeys(bare))}"] if bare else []) + \
               ([f"no alt text: {', '.join(dict.fromkeys(no_alt))}"] if no_alt else [])
    if problems:
        return Item("captions", False, "; ".join(problems), numbers)
    return Item("captions", True, f"{len(pictures)} figure(s), all captioned", numbers)


def red_flags(document: model.Document, language: Language) -> Item:
    """The red flags present, with time frames: the section with the `red-flags` role has a `::: warning` box
    whose title or text has a word of the language's `time_frames:` list ("now", "today", "within")."""
    section = document.section_with("red-flags")
    if section is None:
        return Item("red-flags", False, "the topic gives no section the 'red-flags' role", {"warnings": 0})
    boxes = [b for b in _walk(section.blocks) if isinstance(b, model.Box) and b.kind == "warning"]
    if not boxes:
        return Item("red-flags", False, f"no '::: warning' box in section '{section.id}'", {"warnings": 0})
    anywhere = language.line_breaking == "characters"
    text = " ".join([b.title for b in boxes] + [u for b in boxes for u in readability.block_units(b.blocks)])
    words = [w for w in language.time_frames if find_term(text, w, anywhere)]
    numbers = {"warnings": len(boxes), "time_frames": len(words)}
    if not words:
        return Item("red-flags", False, f"the warning box in '{section.id}' says no time frame "
                                        f"(none of: {', '.join(language.time_frames) or 'no time_frames listed'})",
                    numbers)
    return Item("red-flags", True, f"warning box with time frames: {', '.join(words)}", numbers)


CHECKS: tuple[Callable[[model.Document, Language], Item], ...] = (
    summary, checklist, numbered_steps, no_calculations, captions, red_flags)


# The blocks a tri-fold panel can show for a role, and the item a document must pass for it to have something to
# show there (layouts/trifold.yaml names them).
_PANEL_BLOCKS: dict[tuple[str, str], str] = {("actions", "checklist"): "checklist", ("red-flags", "warning"): "red-flags"}


def layout_promises(layouts: Iterable[Layout], topic: model.Topic) -> dict[str, tuple[str, ...]]:
    """Item -> the layouts that promise it for this topic. Only layouts that make the topic count: a tri-fold is
    made of a topic that has every role its panels place. Its panels promise the checklist and the warning box
    they show, and its cover the summary when the layout puts the summary on the cover."""
    promises: dict[str, list[str]] = {}
    for layout in layouts:
        if layout.kind != "trifold" or layout.roles - topic.roles:
            continue
        found = [_PANEL_BLOCKS[(pick.role, block)] for panel in layout.panels for pick in panel.sections
                 for block in pick.blocks if (pick.role, block) in _PANEL_BLOCKS]
        if layout.cover_summary and any("cover" in panel.content for panel in layout.panels):
            found.append("summary")
        for item in dict.fromkeys(found):
            promises.setdefault(item, []).append(f"layout '{layout.name}'")
    return {item: tuple(names) for item, names in promises.items()}


def assess(document: model.Document, language: Language,
           layouts: Mapping[str, tuple[str, ...]] | None = None) -> list[Item]:
    """Every item for one document, each with what promises it: its level (`PROMISED`) and the layouts that make
    it (`layout_promises`)."""
    promised = PROMISED.get(document.level, ALWAYS)
    items = []
    for check in CHECKS:
        item = check(document, language)
        by = ((f"the {document.level} level",) if item.id in promised else ()) + tuple((layouts or {}).get(item.id, ()))
        items.append(Item(item.id, item.passed, item.detail, item.numbers, by))
    return items
