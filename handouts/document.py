"""One document's context, built once and used by every writer: template variables, dates in the language,
file metadata, the status and footer lines, and the figure check.

No reportlab here: the PDF writer, the HTML writer and `handouts check` all read the same strings, so a date or a
footer cannot read differently in the PDF and its HTML twin.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

from babel.dates import format_date

from handouts import __version__
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
    return format_date(date, format=style, locale=language.locale)


def publisher(topic: model.Topic, clinic: Clinic | None) -> str:
    """Who stands behind this copy: the clinic that hands it out when there is a profile, otherwise the topic's
    own `publisher` (topic.yaml). Never the tool: a leaflet is its publisher's, not its typesetter's."""
    return (clinic.name if clinic and clinic.name else topic.publisher) or ""


def metadata(document: model.Document, language: Language, clinic: Clinic | None) -> dict[str, str]:
    topic = document.topic
    title = document.title + (f": {document.subtitle}" if document.subtitle else "")
    return {
        "title": title,
        "author": publisher(topic, clinic),
        "subject": f"{document.subtitle or document.title} ({document.level})",
        "keywords": ", ".join(topic.keywords.get(language.code) or topic.keywords.get("en") or []),
        "creator": f"handouts {__version__}",
        "producer": f"handouts {__version__} with ReportLab",
    }


def status_text(document: model.Document, language: Language) -> str:
    return language.s("status_draft") if document.status == "draft" else language.s("status_reviewed")


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

    def where(fig_line: int | None) -> dict:
        return {"path": document.path, "line": fig_line}

    def walk(blocks: tuple[model.Block, ...]) -> None:
        for block in blocks:
            if isinstance(block, (model.Figure, model.PictureRow)):
                fid = block.figure_id
                if fid not in known:
                    raise FigureError(f"unknown figure id '{fid}'{closest(fid, known)}", **where(block.line),
                                      hint="run 'handouts figures' to see the figures that exist")
                text = document.figures.get(fid)
                figures_file = document.path.parent / "figures.yaml"
                if text is None:
                    raise FigureError(f"figure '{fid}' has no alt text and labels in this language",
                                      path=figures_file, hint=f"add '{fid}:' with 'alt' and 'labels'")
                missing = [k for k in label_keys(fid) if k not in text.labels]
                if missing:
                    raise FigureError(f"figure '{fid}' lacks label(s) {', '.join(missing)}", path=figures_file,
                                      hint="add them under 'labels'")
            if isinstance(block, (model.Box, model.PictureRow)):
                walk(block.blocks)
            elif isinstance(block, model.ListBlock):
                for item in block.items:
                    walk(item)

    for section in document.sections:
        walk(section.blocks)
