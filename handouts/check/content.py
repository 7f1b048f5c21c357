"""`handouts check`: content QA for authors and pipelines.

For every topic × language × level it collects problems instead of stopping at the first one, so that an author
sees everything to fix in one run: section ids against the English source, template variables that do not
resolve, figure references and links that point nowhere, stale translated sections and figure texts, the reading
level measured with the language's method (check/readability.py), the PEMAT-P and CDC Clear Communication items a
level promises (check/pemat.py) and jargon the text does not explain (check/jargon.py, flagged only). Content is parsed by the same reader and
Markdown parser as `build`, every character is looked up in the language's fonts, and every layout is read as
`build` reads it, so that check finds what build would refuse without rendering anything. English is the source every translation is
compared with. A document fails when any check finds a problem; notes (draft status, a check that could not run)
are information only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from handouts.content import model
from handouts.document import line_holding
from handouts.errors import HandoutsError, UsageError
from handouts.content.reader import (RawDocument, document_languages, document_levels, read_document, read_topic,
                                     split_document, topic_ids)

SOURCE_LANG = "en"
_LINK = re.compile(r"(?<![!\\])\[(?P<text>[^\]]*)\]\(\s*(?P<target><[^>]*>|[^)\s]*)")


@dataclass(frozen=True)
class Problem:
    check: str  # sections, template, figures, links, stale, readability, language, file
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        return where + self.message

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "message": self.message, "path": self.path, "line": self.line}


def problem_from(check: str, error: HandoutsError) -> Problem:
    """Keep the error's own one-line message; it already names the file and line."""
    path = getattr(error, "path", None)
    message = error.format_message()
    if path is not None:
        prefix = f"{path}:{error.line}: " if getattr(error, "line", None) else f"{path}: "
        message = message[len(prefix):] if message.startswith(prefix) else message
    return Problem(check, message, display_path(path) if path is not None else None, getattr(error, "line", None))


@dataclass
class DocumentResult:
    topic: str
    lang: str
    level: str
    path: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    readability: Any = None  # readability.Readability, imported lazily
    status: str | None = None
    stale_sections: list[str] = field(default_factory=list)
    stale_figures: list[str] = field(default_factory=list)
    pemat: list[Any] = field(default_factory=list)    # pemat.Item, every item measured
    jargon: list[Any] = field(default_factory=list)   # jargon.JargonUse, flagged, not failing

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, check: str, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(check, message, display_path(path) if path is not None else None, line))

    def add_error(self, check: str, error: HandoutsError) -> None:
        self.problems.append(problem_from(check, error))

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "lang": self.lang, "level": self.level, "path": self.path, "ok": self.ok,
                "status": self.status, "stale_sections": self.stale_sections,
                "stale_figures": self.stale_figures,
                "pemat": [item.as_dict() for item in self.pemat], "jargon": [use.as_dict() for use in self.jargon],
                "problems": [p.as_dict() for p in self.problems], "notes": self.notes,
                "readability": self.readability.as_dict() if self.readability is not None else None}


@dataclass
class CheckReport:
    documents: list[DocumentResult]
    notes: list[str] = field(default_factory=list)
    layouts: list[Problem] = field(default_factory=list)   # layouts that build would refuse

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if not d.ok]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.layouts else 0

    def summary(self) -> str:
        n = len(self.documents)
        return (f"{n} document{'s' if n != 1 else ''}: {n - len(self.failed)} passed, "
                f"{len(self.failed)} failed")

    def as_dict(self) -> dict[str, Any]:
        return {"documents": [d.as_dict() for d in self.documents], "notes": self.notes,
                "layouts": [p.as_dict() for p in self.layouts],
                "summary": {"documents": len(self.documents), "passed": len(self.documents) - len(self.failed),
                            "failed": len(self.failed), "ok": not self.failed and not self.layouts}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------------------------------------
# Output

def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when they are inside it: shorter lines, same meaning."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def format_line(result: DocumentResult) -> str:
    """`back-mouse en standard  OK  Flesch-Kincaid grade 3.9 (target ≤ 8)  1471 words, 136 sentences`."""
    parts = [f"{result.topic} {result.lang} {result.level}", "OK" if result.ok else "FAIL"]
    r = result.readability
    if r is not None:
        parts.append(r.describe())
        parts.append(r.counts_text())
    if result.status == "draft":
        parts.append("draft translation")
    if result.pemat:
        passed = sum(item.passed for item in result.pemat)
        missing = [item.id + ("" if item.required else " (not promised)") for item in result.pemat if not item.passed]
        parts.append(f"PEMAT/CDC {passed}/{len(result.pemat)}" + (f" (missing: {', '.join(missing)})" if missing else ""))
    if result.jargon:
        parts.append("jargon not explained: " + ", ".join(f"{use.term} ({use.section})" for use in result.jargon))
    if result.problems:
        parts.append("; ".join(str(p) for p in result.problems))
    return "  ".join(parts)


def format_report(report: CheckReport) -> list[str]:
    lines = [format_line(d) for d in report.documents]
    lines += [f"layout FAIL  {p}" for p in report.layouts]
    lines += [f"note: {n}" for n in report.notes]
    lines.append(report.summary())
    return lines


# ---------------------------------------------------------------------------------------------------------------
# Running the checks

def run_check(content_dir: Path, topics: Sequence[str] = (), langs: Sequence[str] = (),
              levels: Sequence[str] = (), layouts_dir: Path | None = None) -> CheckReport:
    """Check the selected documents, and the layouts in `layouts_dir` when given; unknown topics or languages
    raise UsageError (exit 2)."""
    from handouts.check.pemat import layout_promises
    from handouts.content.languages import language_codes

    all_topics = topic_ids(content_dir)
    codes = language_codes(content_dir)
    for code in langs:
        if code not in codes:
            from handouts.suggest import closest

            raise UsageError(f"unknown language '{code}'{closest(code, codes)}; languages: {', '.join(codes)}")
    for level in levels:
        if level not in model.LEVELS:
            raise UsageError(f"unknown level '{level}'; levels: {', '.join(model.LEVELS)}")

    report = CheckReport([])
    figure_ids = _figure_ids(report)
    fonts = _font_library(report, layouts_dir) if layouts_dir is not None else None
    layouts = _loadable_layouts(layouts_dir) if layouts_dir is not None else []
    for topic_id in topics or all_topics:
        topic = read_topic(content_dir, topic_id)  # UsageError for an unknown topic
        promises = layout_promises(layouts, topic)
        available = document_languages(topic)
        # A language named with --lang but not written for this topic: a finding when the topic was named too,
        # otherwise that topic is simply not in that language (as `build` does).
        for lang in [code for code in langs if topics or code in available] if langs else available:
            present = document_levels(topic, lang)
            wanted = [lv for lv in model.LEVELS if lv in levels] if levels else (present or
                                                                                  document_levels(topic, SOURCE_LANG))
            for level in wanted:
                report.documents.append(check_document(content_dir, topic, lang, level, figure_ids, fonts,
                                                       promises))
    if layouts_dir is not None:
        report.layouts += check_layouts(layouts_dir)
    return report


def check_layouts(layouts_dir: Path) -> list[Problem]:
    """Every layout read as build reads it: fields, geometry and the sections it must place."""
    from handouts.config.layouts import layout_names, load_layout

    try:
        names = layout_names(layouts_dir)
    except HandoutsError as exc:
        return [problem_from("layout", exc)]
    problems = []
    for name in names:
        try:
            load_layout(layouts_dir, name)
        except HandoutsError as exc:
            problems.append(problem_from("layout", exc))
    return problems


def _loadable_layouts(layouts_dir: Path) -> list:
    """The layouts build can read (check_layouts reports the others), for what they promise a document."""
    from handouts.config.layouts import layout_names, load_layout

    found = []
    try:
        names = layout_names(layouts_dir)
    except HandoutsError:
        return []
    for name in names:
        try:
            found.append(load_layout(layouts_dir, name))
        except HandoutsError:
            continue
    return found


def _figure_ids(report: CheckReport) -> frozenset[str] | None:
    """The figures the code can draw; None (and a note) while the figures package cannot be imported."""
    try:
        from handouts import figures
        return frozenset(figures.FIGURE_IDS)
    except Exception as exc:  # noqa: BLE001 - any failure to import means "cannot check", not "crash"
        report.notes.append(f"figure ids not checked against handouts.figures ({type(exc).__name__}: {exc})")
        return None


def check_document(content_dir: Path, topic: model.Topic, lang: str, level: str,
                   figure_ids: frozenset[str] | None, fonts: Any = None,
                   promises: dict[str, tuple[str, ...]] | None = None) -> DocumentResult:
    """`fonts`: a FontLibrary to check that every character can be drawn (None: not checked); `promises`: the
    PEMAT/CDC items layouts that make this topic promise (pemat.layout_promises; None: the level's only)."""
    path = topic.path / lang / f"{level}.md"
    result = DocumentResult(topic.id, lang, level, display_path(path))
    if not path.is_file():
        result.add("file", f"no '{level}' text in this language", path)
        return result

    try:
        raw = split_document(path)
    except HandoutsError as exc:
        result.add_error("file", exc)
        return result
    result.status = str(raw.meta.get("status", "reviewed"))

    english: RawDocument | None = None
    en_path = topic.path / SOURCE_LANG / f"{level}.md"
    if lang != SOURCE_LANG:
        if result.status == "draft":
            result.notes.append("status: draft (not yet reviewed by a clinician)")
        if not en_path.is_file():
            result.add("sections", f"level '{level}' exists in this translation but not in English", en_path)
        else:
            try:
                english = split_document(en_path)
            except HandoutsError as exc:
                result.add_error("sections", exc)

    ids_ok = _check_section_ids(result, raw, english, topic)
    if english is not None:
        _check_stale(result, raw, english)

    try:
        language = _language(content_dir, lang)
    except HandoutsError as exc:
        result.add_error("language", exc)
        return result
    except UsageError:  # a content folder without a language entry
        result.add("language", "no language entry for this language (copy content/languages/en.yaml and adapt it)",
                   content_dir / "languages" / f"{lang}.yaml")
        return result

    if lang != SOURCE_LANG:
        untranslated = _untranslated_strings(content_dir, lang)
        if untranslated:
            result.notes.append(f"page-furniture strings still in English: {', '.join(untranslated)} "
                                f"(add them to languages/{lang}.yaml)")

    from handouts.document import template_context
    from handouts.content.templating import render

    context = template_context(topic, language, None)
    template_ok = True
    for section in raw.sections:
        for text, first_line in ((section.title, section.line), (section.body, section.body_line)):
            try:
                _check_links(result, path, render(text, context, path=path, first_line=first_line), first_line)
            except HandoutsError as exc:
                result.add_error("template", exc)
                template_ok = False
    if not (ids_ok and template_ok):
        return result  # the model cannot be built; the problems above say why

    try:
        document = read_document(topic, lang, level, context)
    except HandoutsError as exc:
        # The parser refuses a bad link too; the links check above has already named it on its line.
        if not any(p.check == "links" and p.line == exc.line for p in result.problems):
            result.add_error("content", exc)
        return result

    _check_figures(result, document, figure_ids)
    if lang != SOURCE_LANG:
        _check_stale_figures(result, document)
    if fonts is not None:
        _check_characters(result, document, language, fonts)
    _check_readability(result, document, language)
    _check_plain_language(result, document, language, promises)
    return result


def _font_library(report: CheckReport, layouts_dir: Path):
    """The font definitions of the layouts tree; a problem with them is a layout problem (None: not checked)."""
    from handouts.text.fonts import FontLibrary

    try:
        return FontLibrary(layouts_dir)
    except HandoutsError as exc:
        report.layouts.append(problem_from("fonts", exc))
        return None


def _texts(document: model.Document) -> list[tuple[model.Section | None, str]]:
    """Every text the leaflet draws from the document, with its section: titles, prose, box titles, captions
    and the words inside figures."""
    found: list[tuple[model.Section | None, str]] = [(None, document.title), (None, document.subtitle)]

    for section in document.sections:
        found.append((section, section.title))
    for section, block in document.blocks():
        if isinstance(block, (model.Paragraph, model.Heading)):
            found.append((section, block.text))
        elif isinstance(block, model.Figure):
            found.append((section, block.caption))
        elif isinstance(block, model.Box):
            found.append((section, block.title))
    found += [(None, label) for text in document.figures.values() for label in text.labels.values()]
    return found


def _check_characters(result: DocumentResult, document: model.Document, language, fonts) -> None:
    """A character no font of the language has stops the build; find each one without rendering."""
    from handouts.errors import FontError
    from handouts.text.fonts import font_chain

    try:
        chain = font_chain(fonts, language.body_font, list(language.fallback_fonts), language.code)
    except FontError as exc:
        result.add_error("fonts", exc)
        return
    seen: set[str] = set()
    missing: list[tuple[str, int | None]] = []   # each character no font has, with the section of its first use
    for section, text in _texts(document):
        for char in dict.fromkeys(text):
            if char in seen:
                continue
            seen.add(char)
            try:
                chain.runs(char)
            except FontError:
                missing.append((char, section.line if section else None))
    if missing:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c, _ in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        result.add("fonts", f"no configured font of language '{language.code}' can draw {shown}{more}",
                   document.path, missing[0][1])


def _untranslated_strings(content_dir: Path, lang: str) -> list[str]:
    """Keys of the English furniture strings that the language entry lacks (they fall back to English)."""
    from handouts.content.reader import load_yaml

    own = load_yaml(content_dir / "languages" / f"{lang}.yaml") or {}
    english = load_yaml(content_dir / "languages" / f"{SOURCE_LANG}.yaml") or {}
    own_strings = own.get("strings") or {} if isinstance(own, dict) else {}
    return sorted(k for k in (english.get("strings") or {}) if k not in own_strings)


def _language(content_dir: Path, lang: str):
    from handouts.content.languages import load_language

    return load_language(content_dir, lang)


def _check_section_ids(result: DocumentResult, raw: RawDocument, english: RawDocument | None,
                       topic: model.Topic) -> bool:
    """All id problems at once: unknown, duplicate, missing, out of order (against the sections topic.yaml
    declares, and against English when it exists)."""
    ok = True
    seen: dict[str, int] = {}
    for section in raw.sections:
        if section.id in seen:
            result.add("sections", f"section id '{section.id}' appears twice (first on line {seen[section.id]})",
                       raw.path, section.line)
            ok = False
        else:
            seen[section.id] = section.line
    expected = list(topic.section_ids)
    for sid, line in seen.items():
        if sid not in expected:
            result.add("sections", f"extra section '{sid}' (not in the sections of topic.yaml)", raw.path, line)
            ok = False
    missing = [sid for sid in expected if sid not in seen]
    if missing:
        result.add("sections", f"missing section(s): {', '.join(missing)}", raw.path)
        ok = False
    if ok and [s.id for s in raw.sections] != expected:
        result.add("sections", f"sections out of order: keep the order of topic.yaml ({', '.join(expected)})",
                   raw.path)
        ok = False
    if english is not None and [s.id for s in english.sections] != [s.id for s in raw.sections] and ok:
        result.add("sections", "sections differ from the English source", raw.path)
        ok = False
    return ok


def _check_stale(result: DocumentResult, raw: RawDocument, english: RawDocument) -> None:
    """A translated section is stale when the English section's hash differs from the one recorded in `source:`."""
    recorded = raw.meta.get("source") or {}
    if not isinstance(recorded, dict):
        result.add("stale", "front matter 'source' should map section ids to hashes", raw.path, 2)
        return
    current = {s.id: s.source_hash for s in english.sections}
    translated = {s.id for s in raw.sections}
    changed = [sid for sid, digest in current.items() if sid in translated and sid in recorded
               and str(recorded[sid]) != digest]
    unrecorded = [sid for sid in current if sid in translated and sid not in recorded]
    result.stale_sections = changed + [f"{sid} (no source hash)" for sid in unrecorded]
    if changed:
        result.add("stale", f"English changed since translation: {', '.join(changed)}", raw.path)
    if unrecorded:
        result.add("stale", f"no source hash recorded for: {', '.join(unrecorded)} (paste the block from "
                            f"'handouts sources --lang en --level {result.level}' into the front matter)", raw.path)


def _check_stale_figures(result: DocumentResult, document: model.Document) -> None:
    """A translated figure entry is stale when the hash of the English entry (its alt text and labels) differs
    from the one the translation's figures.yaml records under `source:`, as for sections. Only the figures this
    document shows are reported: an entry no level uses misleads no reader."""
    from handouts.content.reader import figure_source_hashes, recorded_figure_sources

    topic = document.topic
    try:
        recorded = recorded_figure_sources(topic, document.lang)
        current = figure_source_hashes(topic, SOURCE_LANG)
    except HandoutsError as exc:
        result.add_error("stale", exc)
        return
    used = [f for f in dict.fromkeys(document.figure_ids()) if f in current and f in document.figures]
    changed = [f for f in used if f in recorded and recorded[f] != current[f]]
    unrecorded = [f for f in used if f not in recorded]
    result.stale_figures = changed + [f"{f} (no source hash)" for f in unrecorded]
    path = document.path.parent / "figures.yaml"
    if changed:
        result.add("stale", f"English figure text changed since translation: {', '.join(changed)}", path)
    if unrecorded:
        result.add("stale", f"no source hash recorded for figure(s): {', '.join(unrecorded)} (paste the block from "
                            f"'handouts sources --figures' at the top of figures.yaml)", path)


def _check_links(result: DocumentResult, path: Path, body: str, first_line: int) -> None:
    """Every `[text](target)` in a section after templating, so that each problem has its line.

    Read from the text rather than the model because markdown-it drops what it will not link (an empty target,
    `javascript:`), leaving the brackets as literal text the reader would see.
    """
    for offset, text in enumerate(body.splitlines()):
        for match in _LINK.finditer(text):
            label = _unescape(match.group("text"))
            target = _unescape(match.group("target") or "").strip("<>")
            line = first_line + offset
            if not target:
                result.add("links", f"link '{label}' has no target", path, line)
            elif not target.lower().startswith(model.LINK_SCHEMES):
                result.add("links", f"link '{label}' points to {target!r} (use http(s)://, tel: or mailto:)",
                           path, line)
            elif not target.split(":", 1)[1].strip("/"):
                result.add("links", f"link '{label}' has an empty target {target!r}", path, line)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _check_figures(result: DocumentResult, document: model.Document, figure_ids: frozenset[str] | None) -> None:
    used = list(dict.fromkeys(document.figure_ids()))
    if figure_ids is not None:
        unknown = [f for f in used if f not in figure_ids]
        if unknown:
            result.add("figures", f"unknown figure id(s): {', '.join(unknown)}", document.path)
    texts_path = document.path.parent / "figures.yaml"
    for fid in document.unshown_needs():
        result.add("figures", f"'{{needs={fid}}}' points to a figure this document does not show", document.path,
                   line_holding(document.path, f"needs={fid}"))
    lacking = [f for f in used if f not in document.figures]
    if lacking:
        result.add("figures", f"no text alternative for figure(s): {', '.join(lacking)}", texts_path,
                   None)


def _check_plain_language(result: DocumentResult, document: model.Document, language,
                          promises: dict[str, tuple[str, ...]] | None) -> None:
    """PEMAT-P and CDC Clear Communication Index items (check/pemat.py): every one reported, the ones the level or
    a layout promises fail the document; jargon the text does not explain (check/jargon.py) is flagged."""
    from handouts.check import jargon, pemat

    result.pemat = pemat.assess(document, language, promises)
    for item in result.pemat:
        if item.required and not item.passed:
            result.add("pemat", f"{item.id} (promised by {' and '.join(item.required_by)}): {item.detail}",
                       document.path)
    result.jargon = jargon.unexplained_jargon(document, language)


def _check_readability(result: DocumentResult, document: model.Document, language) -> None:
    from handouts.check import readability

    units = readability.prose_units(document)
    target = language.targets.get(document.level)
    by_chars = language.line_breaking == "characters"
    entry = document.topic.path.parent / "languages" / f"{language.code}.yaml"
    smog = language.smog_targets.get(document.level)
    try:
        measured = readability.measure(units, language.code, language.readability_method, target, by_chars,
                                       {"smog": smog} if smog is not None else None)
    except readability.UnknownMethod as exc:
        result.add("readability", str(exc), entry)
        return
    result.readability = measured
    if smog is not None and "smog" not in measured.info:
        result.add("readability", f"readability.smog_targets is set, but method '{measured.method}' gives no SMOG "
                                  f"grade (only flesch-kincaid does)", entry)
    for miss in measured.info_misses:
        result.add("readability", miss)
    if measured.note:
        result.notes.append(measured.note)
    if target is None:
        result.notes.append(f"no readability target for level '{document.level}'")
    elif not measured.passed:
        result.add("readability", f"{measured.label} {measured.score:.1f} misses its {measured.target_text()}")
