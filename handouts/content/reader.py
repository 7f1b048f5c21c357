"""Read a content tree (content/README.md describes it) into model objects.

Reading happens in three steps per level file: split the front matter and the `## Title {#id}` sections while
the raw text still has its line numbers, check the section ids, then template and parse each section. Every
error names the file and line.

A topic and a templated document are kept in the disk cache (handouts.diskcache), keyed by the text of every file
they are read from and by the template values: a cold process that reads unchanged content imports neither the
YAML parser, the schemas, Markdown nor Jinja2 (they are imported when a file has to be read for real).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from handouts.confine import confined
from handouts.diskcache import remembered
from handouts.errors import ContentError, UsageError
from handouts.content.model import (LEVELS, REQUIRED_ROLES, Document, FigureText, Reference, Reviewer, Section,
                                    SectionSpec, Topic)
from handouts.suggest import closest
from handouts.timing import stage

if TYPE_CHECKING:
    from handouts.content.schema import SectionEntry, TopicFile

# The libraries that turn a file's text into a validated model: a cached model also depends on their versions.
SCHEMA_LIBRARIES = ("yaml", "pydantic", "pydantic_core")
# ... and those that template and parse a level file (langtags asks Babel's CLDR data which language tags exist).
DOCUMENT_LIBRARIES = (*SCHEMA_LIBRARIES, "jinja2", "markupsafe", "markdown_it", "mdit_py_plugins", "babel")
# Limits that keep a hostile or broken file from stalling a pipeline (content/README.md, "Limits").
MAX_FILE_BYTES = 2_000_000
MAX_PARAGRAPH_CHARS = 20_000
# Far more than a cover band holds (pdfdoc measures the band itself), but refused here with the file's name.
MAX_TITLE_CHARS = {"title": 200, "subtitle": 300}
_SECTION_RE = re.compile(r"^##\s+(?P<title>.+?)\s*\{#(?P<id>[A-Za-z0-9_-]+)\}\s*$")
_BAD_H2_RE = re.compile(r"^##\s+\S")


def read_text(path: Path) -> str:
    """A content, layout or profile file as text, refused before reading when it is larger than any real one."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(f"file is {size:,} bytes, larger than the limit of {MAX_FILE_BYTES:,}", path=path,
                               hint="split the content or remove what does not belong in it")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text (byte {exc.start})", path=path, hint="save the file as UTF-8") from None
    except OSError as exc:   # a directory where the file should be, or unreadable
        raise ContentError(f"cannot read it: {exc.strerror}", path=path, hint="make it a readable text file") from None


def parse_yaml(text: str, *, path: Path, first_line: int = 1, what: str = "YAML") -> Any:
    """Every YAML the tool reads goes through here. Aliases (`*name`) are refused: no project file needs them,
    and a few lines of nested aliases (a "billion laughs") expand to more than any machine's memory."""
    import yaml

    # libyaml's safe loader is several times faster than the pure-Python one and accepts the same documents.
    _SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if "*" in text:  # an alias needs a '*'; most files have none and skip the scan
            for event in yaml.parse(text, Loader=_SAFE_LOADER):
                if isinstance(event, yaml.AliasEvent):
                    where = "" if what == "YAML" else f" in {what}"
                    raise ContentError(f"YAML alias '*{event.anchor}'{where} is not allowed", path=path,
                                       line=event.start_mark.line + first_line,
                                       hint="write the value out in full instead of &anchor and *alias")
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, libyaml's when present
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"malformed {what}: {problem}", path=path, line=line,
                           hint="check indentation and quote values that contain ':'") from None


def load_yaml(path: Path) -> Any:
    return parse_yaml(read_text(path), path=path)


def topic_ids(content_dir: Path) -> list[str]:
    if not content_dir.is_dir():
        raise ContentError("content directory not found", path=content_dir, hint="pass --content DIR")
    return sorted(p.name for p in content_dir.iterdir() if (p / "topic.yaml").is_file())


def _is_topic(content_dir: Path, topic_id: str) -> bool:
    """`topic_id in topic_ids(content_dir)` for one id, without listing the library: planning reads every topic,
    and listing all of them for each made planning quadratic in the number of topics (bench/scale.py)."""
    return Path(topic_id).name == topic_id and topic_id not in ("", ".", "..") and \
        (content_dir / topic_id / "topic.yaml").is_file()


def read_topic(content_dir: Path, topic_id: str) -> Topic:
    if not _is_topic(content_dir, topic_id):
        ids = topic_ids(content_dir)
        raise UsageError(f"unknown topic '{topic_id}'{closest(topic_id, ids)}; topics: {', '.join(ids)}")
    path = confined(content_dir, Path(topic_id) / "topic.yaml", what="topic file", source=content_dir)
    text = read_text(path)
    return remembered("topic", [topic_id, str(path), text], lambda: _parse_topic(topic_id, path, text),
                      libraries=SCHEMA_LIBRARIES)


def _parse_topic(topic_id: str, path: Path, text: str) -> Topic:
    from handouts.content.schema import TopicFile, validate

    data = validate(TopicFile, parse_yaml(text, path=path), path=path)
    return Topic(
        id=topic_id,
        path=path.parent,
        titles=dict(data.title),
        subtitles=dict(data.subtitle),
        publisher=in_english(data.publisher),
        published=data.published,
        review=data.review,
        version=data.version,
        keywords={lang: list(words) for lang, words in data.keywords.items()},
        references=tuple(Reference(ref.id if ref.id is not None else str(index), ref.text, ref.url or "")
                         for index, ref in enumerate(data.references)),
        sections=_section_specs(data.sections, path),
        author=in_english(data.author),
        reviewer=_reviewer(data, path),
        publisher_names=per_language(data.publisher),
        author_names=per_language(data.author),
    )


def in_english(value: str | dict[str, str]) -> str:
    """A name topic.yaml gives once, or per language: the English one stands in for a language it lacks."""
    return (value if isinstance(value, str) else value.get("en", "")).strip()


def per_language(value: str | dict[str, str]) -> dict[str, str]:
    """The names a topic.yaml (or the exercise library) gives per language; none when it gives one name."""
    return {} if isinstance(value, str) else {lang: text.strip() for lang, text in value.items() if text.strip()}


def _reviewer(data: TopicFile, path: Path) -> Reviewer:
    """`reviewer: {name, role, reviewed}`; empty (or absent) until a clinician has reviewed the text. A name
    without a role and a date would print a review line that says nothing checkable, so all three go together."""
    if data.reviewer is None:
        return Reviewer()
    name, role, reviewed = data.reviewer.name.strip(), data.reviewer.role.strip(), data.reviewer.reviewed
    if name and (not role or reviewed is None):
        raise ContentError("field 'reviewer' names a clinician but lacks their 'role' or the 'reviewed' date",
                           path=path, hint="give all three, or leave them empty until a clinician has reviewed it")
    if not name and (role or reviewed is not None):
        raise ContentError("field 'reviewer' has a role or date but no 'name'", path=path,
                           hint="name the clinician who reviewed it, or leave all three empty")
    return Reviewer(name, role, reviewed)


def _section_specs(entries: list[SectionEntry], path: Path) -> tuple[SectionSpec, ...]:
    """The topic's own sections, in reading order, with their roles (content/README.md lists the roles). The
    schema checked each entry; a topic also lists each id once, gives each role once and has the required ones."""
    specs: list[SectionSpec] = []
    for index, entry in enumerate(entries):
        sid, role = entry.id, entry.role or ""
        if sid in (s.id for s in specs):
            raise ContentError(f"sections[{index}]: id '{sid}' is listed twice", path=path)
        if role and role in (s.role for s in specs):
            raise ContentError(f"sections[{index}]: role '{role}' is already given to another section", path=path)
        specs.append(SectionSpec(sid, role))
    missing = [role for role in REQUIRED_ROLES if role not in (s.role for s in specs)]
    if missing:
        raise ContentError(f"field 'sections': no section has the role {', '.join(missing)}", path=path,
                           hint="every topic has an intro (the summary) and red-flags (when to get help)")
    return tuple(specs)


def document_languages(topic: Topic) -> list[str]:
    return sorted(p.name for p in topic.path.iterdir() if p.is_dir() and any(p.glob("*.md")))


def topic_file(topic: Topic, lang: str, name: str) -> Path:
    """A file of one language of a topic; a language folder or file symlinked out of the topic is refused."""
    return confined(topic.path, Path(lang) / name, what="content file", source=topic.path)


def document_levels(topic: Topic, lang: str) -> list[str]:
    folder = topic.path / lang
    present = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    return [level for level in LEVELS if level in present]


@dataclass(frozen=True)
class RawSection:
    """A section as written, before templating: kept for source hashes and checks."""

    id: str
    title: str
    body: str
    line: int  # line number of the heading in the file
    body_line: int

    @property
    def source_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body.strip()}".encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RawDocument:
    path: Path
    meta: dict[str, Any]
    sections: tuple[RawSection, ...]


def split_document(path: Path, text: str | None = None) -> RawDocument:
    """The front matter and raw sections of a level file (`text`, when the caller has read it already)."""
    text = read_text(path) if text is None else text
    lines = text.splitlines()
    meta: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise ContentError("front matter is not closed", path=path, line=1,
                               hint="end the YAML block with a line '---'") from None
        loaded = parse_yaml("\n".join(lines[1:end]), path=path, first_line=2, what="front matter") or {}
        if not isinstance(loaded, dict):
            raise ContentError("front matter should be a mapping", path=path, line=2)
        meta = loaded
        start = end + 1

    sections: list[RawSection] = []
    current: dict[str, Any] | None = None
    body: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        match = _SECTION_RE.match(line)
        if match:
            if current is not None:
                sections.append(RawSection(body="\n".join(body), **current))
            current = {"id": match["id"], "title": match["title"], "line": index + 1, "body_line": index + 2}
            body = []
        elif _BAD_H2_RE.match(line) and not line.startswith("###"):
            raise ContentError(f"section heading without an id: {line.strip()!r}", path=path, line=index + 1,
                               hint="end it with the section id, e.g. '## What is it? {#what-is-it}'")
        elif current is None:
            if line.strip():
                raise ContentError("text before the first section", path=path, line=index + 1,
                                   hint="start the content with '## Title {#section-id}'")
        else:
            body.append(line)
    if current is not None:
        sections.append(RawSection(body="\n".join(body), **current))
    return RawDocument(path, meta, tuple(sections))


def check_section_ids(raw: RawDocument, topic: Topic) -> None:
    """Sections are what layouts place and checks compare, so every language and level has exactly the topic's
    sections, in the topic's order."""
    expected = topic.section_ids
    where = f"that {topic.id}/topic.yaml lists"
    seen: dict[str, int] = {}
    for section in raw.sections:
        if section.id in seen:
            raise ContentError(f"section id '{section.id}' appears twice (first on line {seen[section.id]})",
                               path=raw.path, line=section.line, hint="give each section its own id")
        if section.id not in expected:
            raise ContentError(f"unknown section id '{section.id}'{closest(section.id, expected)}",
                               path=raw.path, line=section.line,
                               hint=f"use one of the sections {where}")
        seen[section.id] = section.line
    missing = [sid for sid in expected if sid not in seen]
    if missing:
        raise ContentError(f"missing section(s): {', '.join(missing)}", path=raw.path,
                           hint="every language and level has every section; add '## Title {#id}'")
    order = [section.id for section in raw.sections]
    if order != list(expected):
        first = next(sid for sid, want in zip(order, expected) if sid != want)
        raise ContentError(f"section '{first}' is out of order", path=raw.path, line=seen[first],
                           hint=f"keep the order {where}: {', '.join(expected)}")


def source_hashes(topic: Topic, lang: str, level: str) -> dict[str, str]:
    """Hash of every section as written: translations record these to notice when their source changes."""
    raw = split_document(topic_file(topic, lang, f"{level}.md"))
    check_section_ids(raw, topic)
    return {section.id: section.source_hash for section in raw.sections}


# The key of figures.yaml that records, in a translation, the hash of each English figure entry it was made from
# (content/README.md); no figure may have this id.
FIGURE_SOURCE_KEY = "source"


def _figures_data(topic: Topic, lang: str, text: str | None = None) -> tuple[Path, Mapping[str, Any]]:
    path = topic_file(topic, lang, "figures.yaml")
    if text is None:
        if not path.is_file():
            return path, {}
        text = read_text(path)
    data = parse_yaml(text, path=path) or {}
    if not isinstance(data, Mapping):
        raise ContentError("figures file should map figure ids to {alt, labels}", path=path)
    return path, data


def read_figure_texts(topic: Topic, lang: str, text: str | None = None) -> dict[str, FigureText]:
    """The figure texts of a language (from `text`, the figures.yaml the caller has read, when given)."""
    from handouts.content.schema import FiguresFile, validate

    path, data = _figures_data(topic, lang, text)
    figures = validate(FiguresFile, dict(data), path=path)
    return {str(fig_id): FigureText(entry.alt, dict(entry.labels)) for fig_id, entry in figures.figures.items()}


def figure_hash(text: FigureText) -> str:
    """What a translator translates of a figure: its alt text and every label (sorted, so reordering the labels
    in the file does not make a translation stale, while changing any word does)."""
    payload = "\n".join([text.alt.strip(), *(f"{key}: {value.strip()}" for key, value in sorted(text.labels.items()))])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def figure_source_hashes(topic: Topic, lang: str) -> dict[str, str]:
    """Hash of every figure entry of a language's figures.yaml: translations record English's, like `source:` of
    a level file records its sections'."""
    return {fig_id: figure_hash(text) for fig_id, text in read_figure_texts(topic, lang).items()}


def recorded_figure_sources(topic: Topic, lang: str) -> dict[str, str]:
    """The `source:` block a translation's figures.yaml records (empty when it has none)."""
    path, data = _figures_data(topic, lang)
    recorded = data.get(FIGURE_SOURCE_KEY) or {}
    if not isinstance(recorded, Mapping):
        raise ContentError(f"'{FIGURE_SOURCE_KEY}' should map figure ids to hashes", path=path,
                           hint="paste the block that 'handouts sources --figures' prints")
    return {str(k): str(v) for k, v in recorded.items()}


def read_document(topic: Topic, lang: str, level: str, context: Mapping[str, Any]) -> Document:
    """One level of one language, templated with `context` and parsed. Kept in the disk cache under everything it
    is made from: the topic, the level file's and figures.yaml's text and the template values."""
    with stage("read"):   # timed for bench/run.py's breakdown
        path = topic_file(topic, lang, f"{level}.md")
        if not path.is_file():
            raise ContentError(f"no '{level}' content for language '{lang}'", path=path,
                               hint="write the file or leave that level out with --level")
        text = read_text(path)
        figures_path = topic_file(topic, lang, "figures.yaml")
        try:
            figures: str | ContentError | None = read_text(figures_path) if figures_path.is_file() else None
        except ContentError as exc:   # reported where the figures are read, after the level file's own errors
            figures = exc
        if isinstance(figures, ContentError):
            return _read_document(topic, lang, level, context, path, text, figures)
        values = json.dumps(context, sort_keys=True, ensure_ascii=False, default=repr)
        inputs = [repr(topic), lang, level, str(path), text, str(figures_path), "\0absent" if figures is None
                  else figures, values]
        return remembered("document", inputs,
                          lambda: _read_document(topic, lang, level, context, path, text, figures),
                          libraries=DOCUMENT_LIBRARIES)


def _read_document(topic: Topic, lang: str, level: str, context: Mapping[str, Any], path: Path, text: str,
                   figures: str | ContentError | None) -> Document:
    """Template and parse the level file's `text`; `figures` is the text of figures.yaml (None: there is none,
    or the error reading it gave)."""
    from handouts.content.markdown import parse_blocks
    from handouts.content.schema import FrontMatter, validate
    from handouts.content.templating import render

    raw = split_document(path, text)
    check_section_ids(raw, topic)
    sections = []
    for rs in raw.sections:
        with stage("template"):
            body = render(rs.body, context, path=path, first_line=rs.body_line)
            title = render(rs.title, context, path=path, first_line=rs.line)
        check_paragraph_lengths(body, path=path, first_line=rs.body_line)
        blocks = parse_blocks(body, path=path, first_line=rs.body_line)
        sections.append(Section(rs.id, _plain(title), blocks, rs.source_hash, rs.line))
    meta = raw.meta
    front = validate(FrontMatter, meta, path=path, line=2 if meta else None)
    title = front.title or topic.titles.get(lang) or topic.titles.get("en", topic.id)
    subtitle = front.subtitle or topic.subtitles.get(lang, "")
    for field, value in (("title", title), ("subtitle", subtitle)):
        if len(value) > MAX_TITLE_CHARS[field]:
            source = path if field in meta else topic.path / "topic.yaml"
            raise ContentError(f"'{field}' is {len(value):,} characters; the limit is {MAX_TITLE_CHARS[field]}",
                               path=source, hint="a cover title is a few words")
    if isinstance(figures, ContentError):
        raise figures
    return Document(
        topic=topic,
        lang=lang,
        level=level,
        path=path,
        title=title,
        subtitle=subtitle,
        status=front.status,
        sections=tuple(sections),
        figures=read_figure_texts(topic, lang, figures),
    )


def check_paragraph_lengths(body: str, *, path: Path, first_line: int) -> None:
    """A paragraph is laid out as one unit, and reportlab's cost grows faster than its length: one of a few
    megabytes takes minutes. Real paragraphs are a few hundred characters; refuse the absurd ones by line."""
    length = 0
    for number, line in enumerate(body.split("\n"), start=first_line):
        length = length + len(line) + 1 if line.strip() else 0
        if length > MAX_PARAGRAPH_CHARS:  # named by the line where it passes the limit: for one long line, that one
            raise ContentError(f"paragraph of more than {MAX_PARAGRAPH_CHARS:,} characters", path=path,
                               line=number, hint="split it with blank lines; see 'Limits' in content/README.md")


def _plain(markdown_text: str) -> str:
    """Titles are plain text: undo the Markdown escaping that templating added."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown_text)
