"""Model text → reportlab paragraph markup.

This is the only place where text meets reportlab's mini-markup, so it is the only place that escapes: every
character of content and user data passes through `escape` here, and each run a fallback font must draw is
wrapped in its own <font face>. Nothing upstream builds markup by hand.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from html import escape as _html_escape
from typing import Iterable

from handouts.text.bidi import PHONE_NUMBER
from handouts.text.fonts import FontChain
from handouts.content.model import LINK_SCHEMES, Span





def escape(text: str) -> str:
    """`&`, `<` and `>` as entities, as xml.sax.saxutils.escape does (that module imports urllib.request, tens of
    milliseconds of every cold start)."""
    return _html_escape(text, quote=False)


def quoteattr(value: str) -> str:
    """An attribute value in double quotes, every character that could end it or start markup as an entity;
    reportlab's parser (html.parser) reads the same value back."""
    return f'"{_html_escape(value, quote=True)}"'


_PHONE_NUMBER = re.compile(PHONE_NUMBER, re.ASCII)   # the same numbers bidi isolates in right-to-left text


def keep_phone_numbers_whole(text: str) -> str:
    """Spaces inside a phone number become no-break spaces, so that a number never splits across lines (a
    reader dialling "+44 20 7946" / "0000" from a narrow tri-fold cover gets it wrong)."""
    return _PHONE_NUMBER.sub(lambda m: re.sub(r"\s", "\u00a0", m.group(0)), text)


# The markup of each text, by chain: a document's texts are marked up again for each paper and in each try of its
# spacing (handouts.pdf.render), and finding the font of every character of a non-Latin text is a loop in Python.
# `where` is only for an error, and a text with an error is never kept. Bounded, so memory stays flat.
# A chain is hashed by value (its families and faces, sorted): a few microseconds that a document's thousand
# lookups would spend again and again, so the cache is keyed by a token per distinct chain, and the chain of the
# last lookup is recognised by identity (one document uses one chain object throughout).
_MARKUP: "OrderedDict[tuple[str, object], str]" = OrderedDict()
_MARKUP_KEPT = 4096
_TOKENS: dict[FontChain, object] = {}   # one per distinct chain (a few: one per language set-up)
_LAST: tuple[FontChain | None, object] = (None, None)


def _token(chain: FontChain) -> object:
    global _LAST
    last_chain, token = _LAST
    if last_chain is not chain:
        token = _TOKENS.setdefault(chain, object())
        _LAST = (chain, token)
    return token


def text_markup(text: str, chain: FontChain, *, where: str = "") -> str:
    """Escaped text with <font> switches for characters the body font lacks; phone numbers kept whole."""
    key = (text, _token(chain))
    markup = _MARKUP.get(key)
    if markup is None:
        markup = _MARKUP[key] = _text_markup(text, chain, where)
        if len(_MARKUP) > _MARKUP_KEPT:
            _MARKUP.popitem(last=False)
    return markup


def _text_markup(text: str, chain: FontChain, where: str) -> str:
    parts = []
    for family, run in chain.runs(keep_phone_numbers_whole(text), where=where):
        escaped = escape(run)
        if family is chain.primary:
            parts.append(escaped)
        else:
            parts.append(f'<font face="{family.name}">{escaped}</font>')
    return "".join(parts)


def spans_markup(spans: Iterable[Span], chain: FontChain, *, link_colour: str = "#1f5f8b",
                 where: str = "") -> str:
    out = []
    for span in spans:
        piece = text_markup(span.text, chain, where=where)
        if span.italic:
            piece = f"<i>{piece}</i>"
        if span.bold:
            piece = f"<b>{piece}</b>"
        if span.href and span.href.lower().startswith(LINK_SCHEMES):
            piece = f'<a href={quoteattr(span.href)} color="{link_colour}"><u>{piece}</u></a>'
        if span.lang:   # read by handouts.pdf.paragraph's parser: the run's frags carry the language
            piece = f"<span lang={quoteattr(span.lang)}>{piece}</span>"
        out.append(piece)
    return "".join(out)
