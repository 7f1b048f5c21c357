"""Turn a section's Markdown into model blocks.

markdown-it-py does the parsing (CommonMark); this module only maps its tokens to the model and implements the
leaflet extensions documented in content/README.md: `::: keypoints|summary|warning|checklist` boxes,
`::: picture FIGURE-ID` Easy Read rows, `![Caption](figure:ID)` figures, `[words]{lang=en}` runs in another
language and `[words]{needs=FIGURE-ID}` words that point to a figure (Pandoc's bracketed span, read by
mdit-py-plugins' attrs plugin; `lang` and `needs` are its only attributes).

Whatever the content format forbids is refused here, with its line, rather than printed as literal text or
dropped: raw HTML (the parser recognises it so that it can be refused), containers that nest, are not closed or
have an unknown name, lists nested deeper than MAX_LIST_DEPTH, and links to anything but the schemes a leaflet
may carry. `handouts check` parses through this module too, so it reports the same problems as `build`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from handouts.errors import ContentError
from handouts.content.model import LINK_SCHEMES, Block, Box, Figure, Heading, ListBlock, Paragraph, PictureRow, Span
from handouts.content.langtags import UnknownLanguage, language_tag
from handouts.content.phone import PhoneError, tel_href
from handouts.suggest import closest

BOX_KINDS = ("keypoints", "summary", "warning", "checklist")
_SOFT_BREAK = "\n"


def _is_wide(char: str) -> bool:
    """Han, kana, Hangul and full-width punctuation: scripts that put no spaces between words."""
    import unicodedata

    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")
CONTAINER_KINDS = BOX_KINDS + ("picture",)
# Lists deeper than this are refused: markdown-it silently drops what lies past its nesting limit, and a leaflet
# list indented further than this leaves a narrow column too little room. Nine levels is far beyond what a
# patient leaflet needs, and still well inside the parser's (raised) limit.
MAX_LIST_DEPTH = 9
_MAX_NESTING = 4 * MAX_LIST_DEPTH + 8   # markdown-it counts a list and its item as two levels each


def _parser() -> MarkdownIt:
    # html on: raw HTML must be recognised to be refused (with it off it would print as literal text).
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False,
                                   "maxNesting": _MAX_NESTING})
    for kind in CONTAINER_KINDS:
        md.use(container_plugin, kind)
    # `[words]{lang=xx}` only: attributes after other elements stay text, as before
    md.use(attrs_plugin, after=("span_close",), spans=True)
    # markdown-it leaves links it finds unsafe (javascript:, file:) as literal text; keep them as links so
    # that `link_target` can refuse them with their line.
    md.validateLink = lambda url: True
    return md


_MD = _parser()


def parse_blocks(text: str, *, path: Path | str, first_line: int = 1) -> tuple[Block, ...]:
    tokens = _MD.parse(text)
    stream = _Stream(tokens, path, first_line)
    return tuple(stream.blocks(until=None))


class _Stream:
    """Walks the flat token list; nesting is expressed by *_open/*_close pairs."""

    def __init__(self, tokens: list[Token], path: Path | str, first_line: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.path = path
        self.first_line = first_line
        self.open_container: tuple[str, int] | None = None   # (kind, line) of the box being read
        self.list_depth = 0

    def line(self, token: Token) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def error(self, token: Token, message: str, hint: str, near: str = "") -> ContentError:
        """`near`: text of an inline element, to name the line of a paragraph it is on."""
        line = self.line(token)
        if near:
            line += next((i for i, text in enumerate(token.content.splitlines()) if near in text), 0)
        return ContentError(message, path=self.path, line=line, hint=hint)

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def blocks(self, until: str | None) -> Iterator[Block]:
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if until is not None and token.type == until:
                self.pos += 1
                return
            yield from self.block()
        if until is not None:
            raise ContentError(f"unclosed block (expected {until})", path=self.path, line=self.first_line)

    def block(self) -> Iterator[Block]:
        token = self.next()
        kind = token.type
        if kind == "paragraph_open":
            inline = self.next()
            self.next()  # paragraph_close
            self.refuse_stray_fence(inline)
            yield self.paragraph(inline)
        elif kind == "heading_open":
            inline = self.next()
            self.next()
            level = int(token.tag[1:])
            if level < 3:
                raise self.error(token, f"heading level {level} inside a section",
                                 "sections start with '## Title {#id}'; use '###' inside a section")
            yield Heading(level, tuple(self.spans(inline)))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            yield self.list_block(ordered=kind == "ordered_list_open", close=kind.replace("open", "close"))
        elif kind.startswith("container_") and kind.endswith("_open"):
            yield self.container(token)
        elif kind in ("hr",):
            return
        elif kind in ("fence", "code_block"):
            yield Paragraph((Span(token.content.strip()),))
        elif kind == "blockquote_open":
            yield from self.blocks(until="blockquote_close")
        elif kind in ("html_block",):
            raise self.error(token, "raw HTML is not allowed in content",
                             "write plain Markdown; content/README.md lists what it may use")
        else:
            raise self.error(token, f"unsupported Markdown element '{kind}'", "see content/README.md")

    def list_block(self, ordered: bool, close: str, checklist: bool = False) -> ListBlock:
        opening = self.tokens[self.pos - 1]
        if self.list_depth >= MAX_LIST_DEPTH:
            raise self.error(opening, f"lists are nested more than {MAX_LIST_DEPTH} levels deep",
                             "flatten the list or split it into shorter lists")
        self.list_depth += 1
        items: list[tuple[Block, ...]] = []
        while True:
            token = self.next()
            if token.type == close:
                self.list_depth -= 1
                return ListBlock(ordered, tuple(items), checklist)
            if token.type == "list_item_open":
                items.append(tuple(self.blocks(until="list_item_close")))

    def refuse_stray_fence(self, inline: Token) -> None:
        """A `:::` line that markdown-it did not take as a container: an unknown name, or a close without an
        open. Either would print as literal text."""
        for offset, text in enumerate(inline.content.splitlines()):
            if not text.lstrip().startswith(":::"):
                continue
            line = self.line(inline) + offset
            name = text.strip().lstrip(":").split(maxsplit=1)
            if name:
                raise ContentError(f"unknown container '::: {name[0]}'{closest(name[0], CONTAINER_KINDS)}",
                                   path=self.path, line=line,
                                   hint=f"containers are: {', '.join(CONTAINER_KINDS)}")
            raise ContentError("':::' closes no container", path=self.path, line=line,
                               hint="remove it, or open the box with e.g. '::: keypoints'")

    def container(self, token: Token) -> Block:
        kind = token.type[len("container_"):-len("_open")]
        argument = token.info.strip()[len(kind):].strip()
        if self.open_container is not None:
            outer, outer_line = self.open_container
            raise self.error(token, f"containers do not nest: close the ::: {outer} opened on line {outer_line} "
                                    f"first", "end it with a line ':::' before opening another")
        self.open_container = (kind, self.line(token))
        inner = list(self.blocks(until=f"container_{kind}_close"))
        nested = next((b for b in inner if isinstance(b, (Box, PictureRow))), None)
        if nested is not None:  # a box in a box has no layout (reportlab cannot place it): say so
            inner_kind = nested.kind if isinstance(nested, Box) else "picture"
            raise self.error(token, f"containers do not nest ('::: {inner_kind}' inside '::: {kind}')",
                             "close the first container with ':::' before opening the next")
        self.open_container = None
        if not self.tokens[self.pos - 1].markup:   # markdown-it closed it at the end of the section
            raise self.error(token, f"::: {kind} is never closed", "close it with a line ':::'")
        if kind == "picture":
            if not argument:
                raise self.error(token, "'::: picture' needs a figure id", "write '::: picture FIGURE-ID'")
            return PictureRow(argument.split()[0], tuple(inner), line=self.line(token))
        if kind == "checklist":
            inner = [ListBlock(b.ordered, b.items, checklist=True) if isinstance(b, ListBlock) else b
                     for b in inner]
        return Box(kind, argument, tuple(inner))

    def paragraph(self, inline: Token) -> Block:
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            src = children[0].attrs.get("src", "")
            if isinstance(src, str) and src.startswith("figure:"):
                return Figure(src[len("figure:"):], children[0].content, line=self.line(inline))
            raise self.error(inline, f"image {str(src)[:60]!r} is not a figure",
                             "leaflets draw their own figures: write ![Caption](figure:FIGURE-ID)")
        return Paragraph(tuple(self.spans(inline)))

    def spans(self, inline: Token) -> Iterator[Span]:
        """Inline runs; a line break inside a paragraph becomes a space, except between Chinese or Japanese
        characters, which are written without spaces."""
        spans = list(self._spans(inline))
        for index, span in enumerate(spans):
            if span.text != _SOFT_BREAK:
                continue
            before = next((s.text[-1] for s in reversed(spans[:index]) if s.text and s.text != _SOFT_BREAK), "")
            after = next((s.text[0] for s in spans[index + 1:] if s.text and s.text != _SOFT_BREAK), "")
            joined = "" if _is_wide(before) or _is_wide(after) else " "
            spans[index] = replace(span, text=joined)
        yield from (span for span in spans if span.text)

    def _spans(self, inline: Token) -> Iterator[Span]:
        bold = italic = 0
        href: str | None = None
        opened: list[tuple[str | None, str | None]] = []   # (lang, needs) of the open spans, innermost last
        spans = any(child.type == "span_open" for child in inline.children or [])
        for child in inline.children or []:
            kind = child.type
            lang = next((lang for lang, _ in reversed(opened) if lang), None)
            needs = next((needs for _, needs in reversed(opened) if needs), None)
            if kind == "text" or kind == "code_inline":
                if spans and "](" in child.content:   # the parser gave up on the link around a span
                    raise self.error(inline, "a link's text cannot hold a language span",
                                     "put the whole link inside the span: [[words](https://...)]{lang=en}",
                                     child.content)
                if child.content:
                    yield Span(child.content, bool(bold), bool(italic), href, lang, needs)
            elif kind == "softbreak":
                yield Span(_SOFT_BREAK, bool(bold), bool(italic), href, lang, needs)
            elif kind == "hardbreak":
                yield Span(" ", bool(bold), bool(italic), href, lang, needs)
            elif kind == "span_open":
                opened.append(self.span_attributes(inline, child))
            elif kind == "span_close":
                opened.pop()
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                href = self.link_target(inline, str(child.attrs.get("href", "")))
            elif kind == "link_close":
                href = None
            elif kind == "html_inline":
                raise self.error(inline, f"raw HTML is not allowed in content: {child.content[:40]!r}",
                                 "write plain Markdown (**bold**, *italic*, [text](https://...))", child.content)
            elif kind == "image" and not str(child.attrs.get("src", "")).startswith("figure:"):
                raise self.error(inline, f"image {str(child.attrs.get('src', ''))[:60]!r} is not a figure",
                                 "leaflets draw their own figures: write ![Caption](figure:FIGURE-ID)", "![")
            elif kind == "image":
                raise self.error(inline, "a figure must stand alone in its paragraph",
                                 "put '![Caption](figure:ID)' on its own line with blank lines around it")
            else:
                raise self.error(inline, f"unsupported inline element '{kind}'", "see content/README.md")

    def span_attributes(self, inline: Token, span: Token) -> tuple[str | None, str | None]:
        """(lang, needs) of a bracketed span: `lang` a language tag CLDR knows, `needs` a figure id (which
        handouts.document.check_figures checks against the document's figures)."""
        attrs = {**span.attrs, **span.meta.get("insecure_attrs", {})}
        other = sorted(str(key) for key in attrs if key not in ("lang", "needs"))
        if other or not attrs:
            found = f"'{other[0]}'" if other else "nothing"
            raise self.error(inline, f"a bracketed span takes only 'lang' or 'needs': found {found}",
                             "write [words]{lang=en} or [words]{needs=FIGURE-ID}", "]{")
        needs = str(attrs["needs"]).strip() if "needs" in attrs else None
        if needs is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", needs):
            raise self.error(inline, f"'needs={needs}' is not a figure id",
                             "name a figure as in figures.yaml, e.g. needs=selfcare-stretch", f"needs={needs}")
        return (self.language(inline, str(attrs["lang"])) if "lang" in attrs else None), needs

    def language(self, inline: Token, code: str) -> str:
        """A span's `lang`: a language tag CLDR knows."""
        try:
            return language_tag(code)
        except UnknownLanguage as exc:
            raise self.error(inline, str(exc),
                             "use a BCP 47 language code such as en, fr, la or zh-Hans",
                             f"lang={code}") from None

    def link_target(self, inline: Token, href: str) -> str:
        """Only web, phone and e-mail links; a phone link dials what its number says (see handouts.phone)."""
        target = unquote(href).strip()
        if not target:
            raise self.error(inline, "a link has no target", "write [text](https://...)", "]()")
        if not target.lower().startswith(LINK_SCHEMES):
            raise self.error(inline, f"link to {target[:60]!r} is not allowed",
                             "links may use http(s)://, tel: or mailto:", f"({target}")
        if target.lower().startswith("tel:"):
            try:
                return tel_href(target[len("tel:"):])
            except PhoneError as exc:
                raise self.error(inline, f"link 'tel:': {exc}", "write e.g. tel:+441234567890",
                                 f"({target}") from None
        return href
