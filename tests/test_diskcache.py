"""The disk cache a cold process reads instead of parsing unchanged files again (handouts/diskcache.py): each kind of
entry is made again when any of its inputs changes, a damaged entry is ignored and rewritten, an error is never
kept, and a cold build that finds everything cached does not import the parsers and schemas."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handouts import diskcache
from handouts.diskcache import cache_dir, entry_path, remembered
from handouts.errors import ContentError, LayoutError
from tests.trees import english_tree, replace_in, two_cold_builds


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache for this test (the machine's font instances stay where they are: only what a test reads
    through the cache goes here)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    return folder


def entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).glob("*.pickle"))


def repaired_after_damage(cache: Path, kind: str, read) -> None:
    """`read()` writes one entry of `kind`; damaged three ways (garbage, truncated, a payload that no longer
    matches its hash), it is ignored, `read()` gives the same value, and the entry is rewritten."""
    import shutil

    shutil.rmtree(cache / kind, ignore_errors=True)
    expected = read()
    (path,) = entries(cache, kind)
    good = path.read_bytes()
    for bad in (b"not a cache entry", good[: len(good) // 2], good[:-1] + bytes([good[-1] ^ 1])):
        path.write_bytes(bad)
        assert read() == expected
        assert diskcache._load(path) is not diskcache._MISSING, f"{path} was not rewritten"


def test_a_value_is_made_once_then_read_back(cache):
    made = []
    make = lambda: made.append(1) or {"value": (1, 2)}  # noqa: E731
    assert remembered("demo", ["input"], make) == {"value": (1, 2)}
    assert remembered("demo", ["input"], make) == {"value": (1, 2)} and made == [1]
    assert len(entries(cache, "demo")) == 1 and cache_dir() == cache


def test_another_input_is_another_entry(cache):
    assert remembered("demo", ["a"], lambda: "from a") == "from a"
    assert remembered("demo", ["b"], lambda: "from b") == "from b"
    assert remembered("demo", ["a", ""], lambda: "from a and nothing") == "from a and nothing"
    assert remembered("demo", ["a"], lambda: "never made") == "from a"
    assert len(entries(cache, "demo")) == 3


def test_the_tools_code_and_library_versions_are_part_of_the_key(cache, monkeypatch):
    first = entry_path("demo", ["a"], libraries=("yaml",))
    assert entry_path("demo", ["a"], libraries=("yaml",)) == first and entry_path("demo", ["a"]) != first
    with monkeypatch.context() as patch:
        patch.setattr(diskcache, "library_stamp", lambda name: "yaml:another version")
        assert entry_path("demo", ["a"], libraries=("yaml",)) != first
    with monkeypatch.context() as patch:
        patch.setattr(diskcache, "tool_fingerprint", lambda: "other code")
        assert entry_path("demo", ["a"], libraries=("yaml",)) != first


def test_every_source_file_of_the_tool_is_part_of_its_fingerprint():
    package = diskcache._PACKAGE
    assert diskcache._source_files() == sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py"))
    assert "build/matrix.py" in diskcache._source_files() and "diskcache.py" in diskcache._source_files()


def test_the_fingerprint_is_kept_under_the_source_files_stat_and_made_again_when_one_changes(tmp_path, cache,
                                                                                          monkeypatch):
    """An unchanged tree's fingerprint is read back without reading a source file; a rewritten file (even with
    its old size and modification time put back) or a new one gives the hash of the files as they are now."""
    import hashlib

    package = tmp_path / "package"
    (package / "build").mkdir(parents=True)
    (package / "diskcache.py").write_text("x = 1\n")
    (package / "build" / "matrix.py").write_text("y = 2\n")
    monkeypatch.setattr(diskcache, "_PACKAGE", package)

    def hashed() -> str:   # what the fingerprint is: every file read and hashed
        digest = hashlib.sha256(diskcache.__version__.encode())
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()

    fingerprint = diskcache.tool_fingerprint.__wrapped__
    first = fingerprint()
    assert first == hashed() and entries(cache, "fingerprint")
    with monkeypatch.context() as patch:
        read_bytes = Path.read_bytes
        patch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read")
                      if package in self.parents else read_bytes(self))
        assert fingerprint() == first
    source = package / "diskcache.py"
    stat = source.stat()
    source.write_text("x = 3\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size and source.stat().st_mtime_ns == stat.st_mtime_ns
    assert fingerprint() == hashed() != first
    (package / "new.py").write_text("")
    assert fingerprint() == hashed()
    repaired_after_damage(cache, "fingerprint", fingerprint)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped"])
def test_a_damaged_entry_is_made_again_and_rewritten(cache, damage):
    remembered("demo", ["a"], lambda: list(range(100)))
    (path,) = entries(cache, "demo")
    data = path.read_bytes()
    path.write_bytes({"garbage": b"\x00" * 40, "truncated": data[:-7], "flipped": data[:-1] + bytes([data[-1] ^ 1])}
                     [damage])
    made = []
    assert remembered("demo", ["a"], lambda: made.append(1) or list(range(100))) == list(range(100))
    assert made == [1] and path.read_bytes() == data


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("the cache folder cannot be made under a file")
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(blocker / "cache"))
    assert remembered("demo", ["a"], lambda: "made") == "made"
    assert remembered("demo", ["a"], lambda: "made again") == "made again"


def test_an_error_is_never_kept(cache):
    def broken():
        raise ContentError("broken", path="x.yaml")

    with pytest.raises(ContentError):
        remembered("demo", ["a"], broken)
    assert entries(cache, "demo") == []
    assert remembered("demo", ["a"], lambda: "fixed") == "fixed"


def test_a_topic_is_read_again_when_its_file_changes(tmp_path, cache):
    from handouts.content.reader import read_topic

    content, _ = english_tree(tmp_path, levels=("easy",))
    first = read_topic(content, "back-mouse")
    assert read_topic(content, "back-mouse") == first
    replace_in(content / "back-mouse" / "topic.yaml", "version:", "version: '9.9' #")
    changed = read_topic(content, "back-mouse")
    assert changed.version == "9.9" and changed != first
    repaired_after_damage(cache, "topic", lambda: read_topic(content, "back-mouse"))


def test_a_topic_with_a_mistake_is_reported_every_time(tmp_path, cache):
    from handouts.content.reader import read_topic

    content, _ = english_tree(tmp_path, levels=("easy",))
    read_topic(content, "back-mouse")
    replace_in(content / "back-mouse" / "topic.yaml", "version:", "versoin:")
    for _ in range(2):
        with pytest.raises(ContentError, match="versoin"):
            read_topic(content, "back-mouse")


def test_a_document_is_made_again_when_its_text_figures_topic_or_values_change(tmp_path, cache):
    from handouts.content.languages import load_language
    from handouts.content.reader import read_document, read_topic
    from handouts.document import template_context

    content, _ = english_tree(tmp_path, levels=("easy",))
    topic = read_topic(content, "back-mouse")
    context = template_context(topic, load_language(content, "en"), None)
    first = read_document(topic, "en", "easy", context)
    assert read_document(topic, "en", "easy", context) == first
    replace_in(content / "back-mouse" / "en" / "easy.md", "back mouse", "back-mouse lump")
    text = read_document(topic, "en", "easy", context)
    assert text != first
    figures_file = content / "back-mouse" / "en" / "figures.yaml"
    alt = next(line for line in figures_file.read_text().splitlines() if "alt:" in line).split("alt:", 1)[1]
    replace_in(figures_file, alt, " A changed alt text.")
    figures = read_document(topic, "en", "easy", context)
    assert any(f.alt == "A changed alt text." for f in figures.figures.values())
    assert not any(f.alt == "A changed alt text." for f in text.figures.values())
    values = dict(context, topic={**context["topic"], "title": "Another title"})
    assert read_document(topic, "en", "easy", values) == read_document(topic, "en", "easy", values)
    other_topic = read_topic(content, "back-mouse")
    assert read_document(other_topic, "en", "easy", context) == figures
    repaired_after_damage(cache, "document", lambda: read_document(topic, "en", "easy", context))


def test_a_template_error_is_reported_every_time(tmp_path, cache):
    from handouts.content.languages import load_language
    from handouts.content.reader import read_document, read_topic
    from handouts.document import template_context

    content, _ = english_tree(tmp_path, levels=("easy",))
    topic = read_topic(content, "back-mouse")
    context = template_context(topic, load_language(content, "en"), None)
    replace_in(content / "back-mouse" / "en" / "easy.md", "back mouse", "{{ clinic.nmae }}")
    for _ in range(2):
        with pytest.raises(ContentError, match="nmae"):
            read_document(topic, "en", "easy", context)


def test_a_layout_is_read_again_when_its_file_changes(tmp_path, cache):
    from handouts.config.layouts import load_layout

    _, layouts = english_tree(tmp_path, levels=("easy",))
    first = load_layout(layouts, "leaflet")
    assert load_layout(layouts, "leaflet") == first
    replace_in(layouts / "leaflet.yaml", "gutter:", "gutter: 9mm #")
    changed = load_layout(layouts, "leaflet")
    assert changed.gutter != first.gutter
    repaired_after_damage(cache, "layout", lambda: load_layout(layouts, "leaflet"))
    replace_in(layouts / "leaflet.yaml", "gutter:", "gutr:")
    for _ in range(2):
        with pytest.raises(LayoutError, match="gutr"):
            load_layout(layouts, "leaflet")


def test_a_language_follows_its_own_file_and_englishs(tmp_path, cache):
    """A translation's missing furniture strings come from English: a change to en.yaml is an input too."""
    import shutil

    from handouts.content.languages import load_language
    from tests.conftest import CONTENT

    content, _ = english_tree(tmp_path, levels=("easy",))
    shutil.copy(CONTENT / "languages" / "es.yaml", content / "languages" / "es.yaml")
    first = load_language(content, "es")
    assert load_language(content, "es") == first
    english = content / "languages" / "en.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("strings:\n", "strings:\n  only_english: Only in English\n", 1),
                       encoding="utf-8")
    assert "only_english" not in first.strings
    assert load_language(content, "es").strings["only_english"] == "Only in English"
    replace_in(content / "languages" / "es.yaml", "name:", "name: Castellano #")
    assert load_language(content, "es").name == "Castellano"
    repaired_after_damage(cache, "language", lambda: load_language(content, "es").name)


def test_font_definitions_and_a_fonts_character_map_are_cached_by_their_contents(tmp_path, cache):
    from handouts.text import fonts

    _, layouts = english_tree(tmp_path, levels=("easy",))
    library = fonts.FontLibrary(layouts)
    face = library._defs["atkinson-hyperlegible"].regular
    assert face.file.endswith("AtkinsonHyperlegible-Regular.ttf") and face.axes is None
    replace_in(layouts / "fonts.yaml", "files/AtkinsonHyperlegible-Bold.ttf", "files/AtkinsonHyperlegible-Regular.ttf")
    assert fonts.FontLibrary(layouts)._defs["atkinson-hyperlegible"].bold.file.endswith("-Regular.ttf")
    repaired_after_damage(cache, "fonts-yaml", lambda: fonts.FontLibrary(layouts)._defs)

    source = Path(__file__).resolve().parents[1] / "handouts" / "fonts" / "DroidSansFallbackFull.ttf"
    copy = tmp_path / "face.ttf"
    copy.write_bytes(source.read_bytes())
    expected = fonts.coverage.__wrapped__(copy)   # read through the cache: made and stored
    assert 0x4E2D in expected and entries(cache, "font-cmap")
    repaired_after_damage(cache, "font-cmap", lambda: fonts.coverage.__wrapped__(copy))
    other = tmp_path / "other.ttf"   # another font's bytes are another entry
    atkinson = Path(fonts._package_root("fontpkg_atkinson_hyperlegible", "a", layouts)) / face.file
    other.write_bytes(atkinson.read_bytes())
    assert 0x4E2D not in fonts.coverage.__wrapped__(other)


def test_a_font_files_hash_is_kept_under_its_identity_and_follows_a_rewrite(tmp_path, cache):
    """The hash that keys what is kept of a font is read from the cache for an unchanged file, and made again
    when the file is rewritten, even with its old size and modification time put back."""
    import hashlib

    from handouts.text import fonts

    source = Path(__file__).resolve().parents[1] / "handouts" / "fonts" / "DroidSansFallbackFull.ttf"
    face = tmp_path / "face.ttf"
    face.write_bytes(source.read_bytes())
    def key(path: Path) -> str:   # past the per-process cache: through the disk cache each time
        return fonts._kept_digest.__wrapped__(path, fonts._file_identity(path))

    assert key(face) == hashlib.sha256(face.read_bytes()).hexdigest() and entries(cache, "font-digest")
    repaired_after_damage(cache, "font-digest", lambda: key(face))
    stat = face.stat()
    data = bytearray(face.read_bytes())
    data[-1] ^= 1
    face.write_bytes(bytes(data))
    os.utime(face, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert face.stat().st_size == stat.st_size and face.stat().st_mtime_ns == stat.st_mtime_ns
    assert key(face) == hashlib.sha256(bytes(data)).hexdigest() == fonts._font_key(face)


def test_hyphenation_patterns_are_cached_by_the_pattern_file(tmp_path, cache, monkeypatch):
    import pyphen

    from handouts.text.hyphenation import hyphenator

    monkeypatch.setattr(pyphen, "hdcache", {})
    words = list(hyphenator("en_GB", 3, 3).iterate("hyphenation"))
    assert words and entries(cache, "hyphenation")

    def fresh_process_words() -> list:
        monkeypatch.setattr(pyphen, "hdcache", {})   # a new process: pyphen has parsed nothing yet
        return list(hyphenator("en_GB", 3, 3).iterate("hyphenation"))

    repaired_after_damage(cache, "hyphenation", fresh_process_words)
    assert fresh_process_words() == words
    patterns = tmp_path / "hyph_xx.dic"   # another pattern file (here: no patterns but one) is another entry
    patterns.write_text("UTF-8\nhy1phen\n", encoding="utf-8")
    monkeypatch.setitem(pyphen.LANGUAGES, "xx", patterns)
    monkeypatch.setattr(pyphen, "hdcache", {})
    assert list(hyphenator("xx", 2, 2).iterate("hyphenation")) == [("hy", "phenation")]


COLD = """
import sys
from handouts.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(" ".join(sorted(name for name in ("pydantic", "yaml", "markdown_it", "jinja2", "handouts.content.schema",
                                             "handouts.config.schema", "concurrent.futures.process", "babel")
                    if name in sys.modules)))
"""


def test_a_cold_build_with_everything_cached_imports_no_parser_or_schema(tmp_path):
    """The second cold process finds the layouts, fonts, language, topic and document in the cache: it builds the
    same bytes without importing the YAML parser, the schemas, Markdown or Jinja2 (or a process pool)."""
    runs = [printed.split() for printed in two_cold_builds(tmp_path, COLD)]
    assert {"pydantic", "yaml", "markdown_it", "jinja2"} <= set(runs[0])   # the first one had to read the files
    assert runs[1] == []


def test_each_kind_keeps_only_its_newest_entries(cache, monkeypatch):
    monkeypatch.setattr(diskcache, "MAX_ENTRIES", 3)
    for index in range(5):
        remembered("demo", [str(index)], lambda index=index: index)
        os.utime(entry_path("demo", [str(index)]), ns=(index * 10**9, index * 10**9))
    assert len(entries(cache, "demo")) == 3
    made = []
    assert remembered("demo", ["4"], lambda: made.append(4) or 4) == 4 and made == []   # the newest stay
    assert remembered("demo", ["0"], lambda: made.append(0) or 0) == 0 and made == [0]  # the oldest went


def test_each_kind_keeps_only_as_many_bytes_as_it_may(cache, monkeypatch):
    """Large entries (hyphenation patterns, compiled imports) are bounded by size too; the newest always stays."""
    monkeypatch.setattr(diskcache, "MAX_KIND_BYTES", 25_000)
    for index in range(4):
        remembered("demo", [str(index)], lambda index=index: bytes(10_000) + bytes([index]))
        os.utime(entry_path("demo", [str(index)]), ns=(index * 10**9, index * 10**9))
    assert [path.name for path in entries(cache, "demo")] == sorted(entry_path("demo", [str(index)]).name
                                                                     for index in (2, 3))
    monkeypatch.setattr(diskcache, "MAX_KIND_BYTES", 100)
    remembered("demo", ["big"], lambda: bytes(10_000))
    assert entries(cache, "demo") == [entry_path("demo", ["big"])]


def test_a_date_is_formatted_again_for_another_date_locale_or_style(cache):
    import datetime

    from babel.dates import format_date

    from handouts.document import _formatted_date

    format_once = _formatted_date.__wrapped__   # past the per-process cache: through the disk cache each time
    day = datetime.date(2026, 3, 1)
    for when, locale, style in ((day, "en_GB", "long"), (day, "es", "long"), (day, "en_GB", "short"),
                                (day + datetime.timedelta(days=1), "en_GB", "long")):
        assert format_once(when, locale, style) == format_date(when, format=style, locale=locale)
    assert len(entries(cache, "date")) == 4
    repaired_after_damage(cache, "date", lambda: format_once(day, "ar", "long"))
