"""Planning: which documents a build makes.

Resolves the options ("all available" by default) against the content and layouts trees and asks the writers which
formats each layout has, so an unknown name or an unsupported combination is a usage error before any work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from handouts.config.clinic import Clinic
from handouts.config.layouts import PAPERS, layout_names, load_layout
from handouts.content.languages import language_codes
from handouts.content.model import LEVELS
from handouts.content.reader import document_languages, document_levels, read_topic, topic_ids
from handouts.errors import UsageError
from handouts.suggest import closest
from handouts.writers import writer_for


@dataclass(frozen=True)
class Job:
    topic: str
    lang: str
    level: str
    layout: str
    paper: str
    format: str = "pdf"

    @property
    def relpath(self) -> str:
        """`<topic>/<lang>/<topic>_<lang>_<level>_<layout>[_<paper>].<format>`: a format whose writer does not
        depend on the paper (a web page) has no paper in its name."""
        paper = f"_{self.paper}" if self.paper else ""
        return f"{self.topic}/{self.lang}/{self.topic}_{self.lang}_{self.level}_{self.layout}{paper}.{self.format}"


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    layouts_dir: Path
    out_dir: Path
    topics: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    layouts: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("pdf",)
    grayscale: bool = False
    bleed: float = 0.0          # points
    clinic: Clinic | None = None
    jobs: int = 1
    fhir: bool = False          # a FHIR DocumentReference beside each PDF (build/fhir_output.py)


def _check_names(kind: str, requested: Iterable[str], valid: list[str]) -> None:
    for name in requested:
        if name not in valid:
            raise UsageError(f"unknown {kind} '{name}'{closest(name, valid)}; {kind}s: {', '.join(valid) or 'none'}")


def plan(options: BuildOptions) -> list[Job]:
    """Resolve the requested matrix; an explicitly requested combination that has no content is an error."""
    all_topics = topic_ids(options.content_dir)
    _check_names("topic", options.topics, all_topics)
    _check_names("language", options.langs, language_codes(options.content_dir))
    _check_names("level", options.levels, list(LEVELS))
    all_layouts = layout_names(options.layouts_dir)
    layouts = list(options.layouts) or (["leaflet"] if "leaflet" in all_layouts else all_layouts)
    _check_names("layout", layouts, all_layouts)
    _check_names("paper", options.papers, list(PAPERS))
    loaded = {name: load_layout(options.layouts_dir, name) for name in layouts}
    jobs: list[Job] = []
    for topic_id in options.topics or all_topics:
        topic = read_topic(options.content_dir, topic_id)
        for layout_name in layouts:
            lacking = sorted(loaded[layout_name].roles - topic.roles)
            if lacking and options.topics and options.layouts:
                raise UsageError(f"topic '{topic_id}' cannot be made as layout '{layout_name}': no section has the "
                                 f"role {', '.join(lacking)} (see its topic.yaml)")
        available_langs = document_languages(topic)
        for lang in options.langs:
            if lang not in available_langs and options.topics:   # asked for by name: say so
                raise UsageError(f"topic '{topic_id}' has no content in language '{lang}'; "
                                 f"it has: {', '.join(available_langs)}")
        for lang in [lang for lang in options.langs if lang in available_langs] or \
                ([] if options.langs else available_langs):
            available_levels = document_levels(topic, lang)
            levels = [lv for lv in (options.levels or LEVELS) if lv in available_levels]
            if options.levels and options.langs and not levels:
                raise UsageError(f"topic '{topic_id}' in '{lang}' has none of the levels "
                                 f"{', '.join(options.levels)}; it has: {', '.join(available_levels)}")
            for level in levels:
                for layout_name in layouts:
                    layout = loaded[layout_name]
                    if level not in layout.levels or not layout.roles <= topic.roles:
                        continue   # a tri-fold places sections by role: a topic without them has no tri-fold
                    for fmt in options.formats:
                        writer = writer_for(layout, fmt)
                        if writer is None:
                            continue   # e.g. a tri-fold has no web page
                        papers = [p for p in options.papers or layout.papers if p in layout.papers]
                        for paper in papers if writer.paper else [""]:
                            jobs.append(Job(topic_id, lang, level, layout_name, paper, fmt))
    if options.langs and not options.topics:
        for lang in options.langs:
            if not any(job.lang == lang for job in jobs) and not any(
                    lang in document_languages(read_topic(options.content_dir, t)) for t in all_topics):
                raise UsageError(f"no topic has content in language '{lang}'")
    return jobs
