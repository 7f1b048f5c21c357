"""One document's context, built once and used by every writer: template variables, dates in the language,
file metadata, the status and footer lines, and the figure check.

No reportlab here: the PDF writer, the HTML writer and `handouts check` all read the same strings, so a date or a
footer cannot read differently in the PDF and its HTML twin.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from handouts import __version__
from handouts.diskcache import remembered
from handouts.config.clinic import Clinic
from handouts.content import model
from handouts.content.languages import Language
from handouts.errors import FigureError
from handouts.text.bidi import isolate


def template_context(topic: model.Topic, language: Language, clinic: Clinic | None) -> dict[str, Any]:
    """The variables content templates may use (documented in content/README.md)."""
    clinic = clinic or Clinic()
    values = clinic.as_template_values()
    texts = {"title": topic.titles.get(language.code, topic.titles.get("en", topic.id)),
             "published": local_date(topic.published, language), "review": local_date(topic.review, language)}
    if language.rtl:   # a value in a right-to-left sentence keeps its own direction (bidi.isolate)
        values = {key: value if key.endswith("_tel") else isolate(value) for key, value in values.items()}
        texts = {key: isolate(value) for key, value in texts.items()}
    return {"clinic": values, "topic": {**texts, "version": topic.version}}


def local_date(date: _dt.date, language: Language, style: str = "long") -> str:
    return _formatted_date(date, language.locale, style)


@lru_cache(maxsize=1024)
def _formatted_date(date: _dt.date, locale: str, style: str) -> str:
    """Babel's date in a locale. Babel loads and merges the locale's CLDR data the first time (a few tens of
    milliseconds of every cold process for the two dates of a footer): the text is kept in the disk cache."""
    def make() -> str:
        from babel.dates import format_date

        return format_date(date, format=style, locale=locale)

    return remembered("date", [repr(date), locale, style], make, libraries=("babel",))


# The zero of each decimal numbering system CLDR names as a locale's default (the other nine digits follow it).
# Babel picks the locale's numbering system for separators but leaves the digits ASCII; this maps them.
_ZEROS = {"arab": 0x0660, "arabext": 0x06F0, "deva": 0x0966, "beng": 0x09E6, "guru": 0x0A66, "gujr": 0x0AE6,
          "orya": 0x0B66, "tamldec": 0x0BE6, "telu": 0x0C66, "knda": 0x0CE6, "mlym": 0x0D66, "thai": 0x0E50,
          "laoo": 0x0ED0, "tibt": 0x0F20, "mymr": 0x1040, "khmr": 0x17E0}


def local_number(value: int, locale: str) -> str:
    """`value` as the language writes it: the locale's separators and its default digits."""
    from babel import Locale
    from babel.numbers import format_decimal

    system = Locale.parse(locale).default_numbering_system
    text = format_decimal(value, locale=locale, numbering_system="default")
    zero = _ZEROS.get(system)
    return text.translate({ord("0") + i: zero + i for i in range(10)}) if zero else text


def publisher(topic: model.Topic, clinic: Clinic | None, lang: str) -> str:
    """Who stands behind this copy: the clinic that hands it out when there is a profile, otherwise the topic's
    own `publisher` (topic.yaml), in the copy's language when it names one. Never the tool: a leaflet is its
    publisher's, not its typesetter's."""
    return (clinic.name if clinic and clinic.name else topic.publisher_in(lang)) or ""


def metadata(document: model.Document, language: Language, clinic: Clinic | None) -> dict[str, str]:
    topic = document.topic
    title = document.title + (f": {document.subtitle}" if document.subtitle else "")
    return {
        "title": title,
        "author": publisher(topic, clinic, language.code),
        "subject": f"{document.subtitle or document.title} ({document.level})",
        "keywords": ", ".join(topic.keywords.get(language.code) or topic.keywords.get("en") or []),
        "creator": f"handouts {__version__}",
        "producer": f"handouts {__version__} with ReportLab",
    }


def status_text(document: model.Document, language: Language) -> str:
    """The status every page's footer prints. "Reviewed" only when topic.yaml names the clinician who reviewed
    it: `status: reviewed` in a level file says the text is final, not that a clinician checked it. A draft
    translation says draft whoever reviewed the English."""
    if document.status == "draft":
        return language.s("status_draft")
    if document.topic.reviewer.present:
        return language.s("status_reviewed")
    return language.s("not_reviewed")


def review_trail(document: model.Document, language: Language, clinic: Clinic | None = None) -> list[str]:
    """Who stands behind the text, in the leaflet's language, for its small print (PIF TICK): who produced it
    (the clinic on a branded copy, else the topic's publisher), who wrote it, and who reviewed it, with their role
    and the date, or that no clinician has yet. Every writer prints these same lines."""
    topic = document.topic
    lines = []
    by = publisher(topic, clinic, language.code)
    author = topic.author_in(language.code)
    if by and by != author:   # a team that both wrote and published the text is named once
        lines.append(language.s("produced_by", publisher=by))
    if author:
        lines.append(language.s("written_by", author=author))
    reviewer = topic.reviewer
    if reviewer.present and reviewer.reviewed is not None:
        lines.append(language.s("reviewed_by", name=reviewer.name, role=reviewer.role,
                                date=local_date(reviewer.reviewed, language)))
    else:
        lines.append(language.s("not_reviewed"))
    return lines


def footer_line(document: model.Document, language: Language, style: str = "medium") -> str:
    """"Version 1.0 · Published … · Next review …": the trust mark every page and panel carries."""
    topic = document.topic
    return " · ".join([language.s("version", version=topic.version),
                       language.s("published", date=local_date(topic.published, language, style)),
                       language.s("review", date=local_date(topic.review, language, style))])


def check_figures(document: model.Document, known: tuple[str, ...], label_keys: Callable[[str], tuple[str, ...]]
                  ) -> None:
    """Fail early and clearly: an unknown figure id or a figure without its words in this language."""
    from handouts.suggest import closest

    figures_file = document.path.parent / "figures.yaml"
    for _, block in document.blocks():
        if not isinstance(block, (model.Figure, model.PictureRow)):
            continue
        fid = block.figure_id
        if fid not in known:
            raise FigureError(f"unknown figure id '{fid}'{closest(fid, known)}", path=document.path,
                              line=block.line, hint="run 'handouts figures' to see the figures that exist")
        text = document.figures.get(fid)
        if text is None:
            raise FigureError(f"figure '{fid}' has no alt text and labels in this language",
                              path=figures_file, hint=f"add '{fid}:' with 'alt' and 'labels'")
        missing = [k for k in label_keys(fid) if k not in text.labels]
        if missing:
            raise FigureError(f"figure '{fid}' lacks label(s) {', '.join(missing)}", path=figures_file,
                              hint="add them under 'labels'")
    for fid in document.unshown_needs():
        raise FigureError(f"'{{needs={fid}}}' points to a figure this document does not show", path=document.path,
                          line=line_holding(document.path, f"needs={fid}"),
                          hint=f"show it (![Caption](figure:{fid}) or '::: picture {fid}') or name the figure "
                               "the words point to")


def line_holding(path: Path, text: str) -> int | None:
    """The first line of the file that holds `text` (errors about spans, which do not record their line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if text in line), None)
