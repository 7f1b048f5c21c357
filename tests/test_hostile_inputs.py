"""Broken and hostile variants of every input file: each must end in one clear line and a non-zero exit.

One parametrised case per input. Each case breaks one thing in a private copy of the English tree (standard
level, A4) and runs `handouts build` in-process; the result must be a clean failure (exit 1 or 2), never an
`internal error`, a traceback, a reportlab object dump, a leaflet that was built anyway, or a file left behind.
`needles` are words the one line must contain, so that it names the file, line or field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml
from click.testing import CliRunner

from handouts.cli import main
from tests.trees import english_tree, replace_in

JUNK = bytes(range(256)) * 4
STANDARD = "back-mouse/en/standard.md"


@dataclass
class Tree:
    content: Path
    layouts: Path
    out: Path
    root: Path

    def doc(self) -> Path:
        return self.content / STANDARD

    def clinic(self, text: str) -> list[str]:
        path = self.root / "clinic.yaml"
        path.write_text(text, encoding="utf-8")
        return ["--clinic", str(path)]


@dataclass(frozen=True)
class Case:
    id: str
    change: Callable[[Tree], list[str] | None]
    needles: tuple[str, ...] = ()


def outcome(result, out: Path) -> str:
    """clean: exit 1 or 2 with one error line and nothing written; internal: a crash reported as such;
    wrong: exit 0, a leaflet built from input that should have been refused."""
    text = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "internal"
    if "internal error" in text or "Traceback" in text or " object at 0x" in text:
        return "internal"
    if result.exit_code == 0:
        return "wrong"
    if result.exit_code not in (1, 2):
        return "internal"
    errors = [line for line in text.splitlines() if line.startswith(("Error:", "FAILED"))]
    if len(errors) != 1 or len(errors[0]) > 400:
        return "internal"
    if any(out.rglob("*.pdf")):
        return "wrong"
    return "clean"


# --- helpers that make one change --------------------------------------------------------------------------------

def in_doc(old: str, new: str) -> Callable[[Tree], None]:
    return lambda t: replace_in(t.doc(), old, new)


def write(relpath: str, data: str | bytes, base: str = "content") -> Callable[[Tree], None]:
    def change(t: Tree) -> None:
        path = getattr(t, base) / relpath
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return change


def make_dir(relpath: str, base: str = "content") -> Callable[[Tree], None]:
    def change(t: Tree) -> None:
        path = getattr(t, base) / relpath
        path.unlink()
        path.mkdir()
        (path / "x.txt").write_text("x")
    return change


def in_file(relpath: str, old: str, new: str, base: str = "content") -> Callable[[Tree], None]:
    return lambda t: replace_in(getattr(t, base) / relpath, old, new)


def in_layout(old: str, new: str) -> Callable[[Tree], None]:
    return in_file("leaflet.yaml", old, new, base="layouts")


def in_fonts(old: str, new: str) -> Callable[[Tree], None]:
    return in_file("fonts.yaml", old, new, base="layouts")


def yaml_field(relpath: str, key: str, value: object) -> Callable[[Tree], None]:
    """Set one top-level field of a content YAML file (None removes it)."""
    def change(t: Tree) -> None:
        path = t.content / relpath
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if value is None:
            del data[key]
        else:
            data[key] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return change


def topic_field(key: str, value: object) -> Callable[[Tree], None]:
    return yaml_field("back-mouse/topic.yaml", key, value)


def clinic_bytes(data: bytes, name: str = "clinic.yaml") -> Callable[[Tree], list[str]]:
    def change(t: Tree) -> list[str]:
        (t.root / name).write_bytes(data)
        return ["--clinic", str(t.root / name)]
    return change


def clinic(text: str) -> Callable[[Tree], list[str]]:
    return lambda t: t.clinic(text)


def options(*args: str) -> Callable[[Tree], list[str]]:
    return lambda t: list(args)


CLINIC = "name: Smith Physio\n"
MOUSE = "\U0001F42D"
NESTED_LIST = "".join("  " * depth + f"- level {depth + 1}\n" for depth in range(12))
WARNING_OPEN = "::: warning Warning signs\n"

CASES = [
    # content Markdown
    Case("md-nested-container", in_doc(WARNING_OPEN, WARNING_OPEN + "::: keypoints Inner\n- x\n:::\n\n"),
         ("standard.md:", "containers do not nest", "::: warning")),
    Case("md-unknown-container", in_doc("::: checklist What you can do today", "::: danger What you can do today"),
         ("standard.md:", "unknown container '::: danger'", "containers are")),
    Case("md-unknown-container-misspelt", in_doc("::: keypoints Good to know", "::: keypoint Good to know"),
         ("standard.md:", "did you mean 'keypoints'")),
    Case("md-unclosed-container", in_doc("Do the same if you feel very ill.\n:::", "Do the same if you feel very ill.\n"),
         ("standard.md:", "::: warning", "close")),
    Case("md-raw-html-block", in_doc("Anyone can get a back mouse.", "<div>Anyone can get a back mouse.</div>"),
         ("standard.md:", "raw HTML")),
    Case("md-raw-html-inline", in_doc("Anyone can get a back mouse.", "Anyone can get a <b>back mouse</b>."),
         ("standard.md:", "raw HTML")),
    Case("md-html-comment", in_doc("Anyone can get a back mouse.", "<!-- note to self -->\n\nAnyone can get it."),
         ("standard.md:", "raw HTML")),
    Case("md-list-too-deep", in_doc("::: checklist What you can do today", NESTED_LIST + "\n::: checklist What"),
         ("standard.md:", "nested")),
    Case("md-box-item-taller-than-a-column", in_doc("- is getting bigger, even slowly\n",
                                                         "- is getting bigger, even slowly\n\n  " + "word " * 900 + "\n"),
         ("standard.md", "section 'when-to-get-help'", "too large", "mm")),
    Case("md-picture-without-id", in_doc(WARNING_OPEN, "::: picture\ntext\n:::\n\n" + WARNING_OPEN),
         ("standard.md:", "figure id")),
    Case("md-picture-unknown-figure", in_doc(WARNING_OPEN, "::: picture nosuch\ntext\n:::\n\n" + WARNING_OPEN),
         ("standard.md:", "nosuch")),
    Case("md-unknown-figure", in_doc("(figure:cross-section)", "(figure:cross-sectoin)"),
         ("standard.md:", "did you mean 'cross-section'")),
    Case("md-figure-inside-text", in_doc("Anyone can get a back mouse.", "Anyone ![x](figure:cross-section) can."),
         ("standard.md:", "figure")),
    Case("md-image-not-figure", in_doc("Anyone can get a back mouse. Most of what we know comes from small studies and from reports about single\npatients.", "![A lump](https://example.org/lump.png)"),
         ("standard.md:", "not a figure", "figure:")),
    Case("md-empty-link", in_doc("Anyone can get a back mouse.", "Anyone can get [a back mouse]()."),
         ("standard.md:", "no target")),
    Case("md-stray-close", in_doc("single\npatients.\n", "single\npatients.\n\n:::\n"),
         ("standard.md:", "closes no container")),
    Case("md-image-inside-text", in_doc("Anyone can get", "Anyone ![A lump](https://example.org/lump.png) can get"),
         ("standard.md:", "not a figure")),
    Case("md-level-1-heading", in_doc("Anyone can get a back mouse.", "# Anyone can get a back mouse."),
         ("standard.md:", "heading level 1")),
    Case("md-section-without-id", in_doc("## What causes a back mouse? {#causes}", "## What causes a back mouse?"),
         ("standard.md:", "without an id")),
    Case("md-unknown-section", in_doc("{#causes}", "{#causez}"), ("standard.md:", "did you mean 'causes'")),
    Case("md-empty-file", write(STANDARD, ""), ("standard.md", "missing section")),
    Case("md-binary-junk", write(STANDARD, JUNK), ("standard.md", "UTF-8")),
    Case("md-directory", make_dir(STANDARD), ("standard.md",)),
    Case("md-front-matter-list", in_doc("title: Back mouse\n", "- title\n"), ("standard.md", "front matter")),
    Case("md-front-matter-unclosed", in_doc("source: {}\n---", "source: {}\n"), ("standard.md",)),
    Case("md-status-unknown", in_doc("status: reviewed", "status: approved"), ("standard.md", "status")),
    Case("md-text-before-section", in_doc("---\n\n## What is", "---\n\nHello\n\n## What is"),
         ("standard.md:", "before the first section")),
    Case("md-tel-link-no-number", in_doc("Anyone can get a back mouse.", "[call us](tel:call-now)."),
         ("standard.md:", "tel:")),
    Case("md-javascript-link", in_doc("Anyone can get a back mouse.", "[read](javascript:alert(1))."),
         ("standard.md:", "javascript")),
    Case("md-no-font-character", in_doc("Anyone can get a back mouse.", f"Anyone {MOUSE}."),
         ("standard.md", "U+1F42D")),
    # topic.yaml
    Case("topic-empty", write("back-mouse/topic.yaml", ""), ("topic.yaml", "mapping")),
    Case("topic-binary-junk", write("back-mouse/topic.yaml", JUNK), ("topic.yaml",)),
    Case("topic-list", write("back-mouse/topic.yaml", "- a\n- b\n"), ("topic.yaml", "mapping")),
    Case("topic-title-text", topic_field("title", "Back mouse"), ("topic.yaml", "title")),
    Case("topic-bad-date", topic_field("published", "24/11/2026"), ("topic.yaml", "published")),
    Case("topic-number-date", topic_field("published", 2026), ("topic.yaml", "published")),
    Case("topic-no-version", topic_field("version", None), ("topic.yaml", "version")),
    Case("topic-keywords-list", topic_field("keywords", ["a"]), ("topic.yaml", "keywords")),
    Case("topic-keywords-text", topic_field("keywords", {"en": "back mouse"}), ("topic.yaml", "keywords")),
    Case("topic-subtitle-text", topic_field("subtitle", "A lump"), ("topic.yaml", "subtitle")),
    Case("topic-references-mapping", topic_field("references", {"a": 1}), ("topic.yaml", "references")),
    Case("topic-reference-text", topic_field("references", ["just text"]), ("topic.yaml", "references[0]")),
    Case("topic-publisher-list", topic_field("publisher", ["a", "b"]), ("topic.yaml", "publisher")),
    # figures.yaml
    Case("figures-empty", write("back-mouse/en/figures.yaml", ""), ("figures.yaml",)),
    Case("figures-list", write("back-mouse/en/figures.yaml", "- a\n"), ("figures.yaml", "map")),
    Case("figures-binary-junk", write("back-mouse/en/figures.yaml", JUNK), ("figures.yaml",)),
    Case("figures-alt-number", in_file("back-mouse/en/figures.yaml", "alt:", "alt: 5\n  old_alt:"),
         ("figures.yaml", "alt")),
    Case("figures-labels-list", in_file("back-mouse/en/figures.yaml", "labels:", "labels: [a]\n  old_labels:"),
         ("figures.yaml", "labels")),
    Case("figures-directory", make_dir("back-mouse/en/figures.yaml"), ("figures.yaml",)),
    # language entry
    Case("lang-empty", write("languages/en.yaml", ""), ("en.yaml", "mapping")),
    Case("lang-binary-junk", write("languages/en.yaml", JUNK), ("en.yaml",)),
    Case("lang-direction", in_file("languages/en.yaml", "direction: ltr", "direction: up"), ("en.yaml", "direction")),
    Case("lang-unknown-font", in_file("languages/en.yaml", "body: atkinson-hyperlegible", "body: comic-sans"),
         ("comic-sans",)),
    Case("lang-fallback-text", in_file("languages/en.yaml", "fallback: [noto-sans]", "fallback: noto-sans"),
         ("en.yaml", "fonts.fallback")),
    Case("lang-targets-list", in_file("languages/en.yaml", "targets: {easy: 6, standard: 8, detailed: 12}",
                                      "targets: [6, 8, 12]"), ("en.yaml", "readability.targets")),
    Case("lang-target-text", in_file("languages/en.yaml", "standard: 8,", "standard: eight,"),
         ("en.yaml", "readability.targets")),
    Case("lang-string-placeholder", in_file("languages/en.yaml", '"Page {page} of {pages}"', '"Page {pagez}"'),
         ("en.yaml", "strings.page", "pagez")),
    Case("lang-string-brace", in_file("languages/en.yaml", '"Version {version}"', '"Version {version"'),
         ("en.yaml", "strings.version")),
    Case("lang-locale", in_file("languages/en.yaml", "locale: en_GB", "locale: xx_QQ"), ("en.yaml", "locale")),
    Case("lang-no-name", in_file("languages/en.yaml", "name: English\n", ""), ("en.yaml", "name")),
    Case("lang-line-breaking", in_file("languages/en.yaml", "line_breaking: words", "line_breaking: maybe"),
         ("en.yaml", "line_breaking")),
    Case("lang-strings-missing", in_file("languages/en.yaml", '  page: "Page {page} of {pages}"\n', ""),
         ("en.yaml", "page")),
    # layout YAML
    Case("layout-negative-margin", in_layout("top: 18mm", "top: -10mm"), ("leaflet.yaml", "margins.top")),
    Case("layout-negative-gutter", in_layout("gutter: 7mm", "gutter: -7mm"), ("leaflet.yaml", "gutter")),
    Case("layout-margins-wider-than-page", in_layout("inside: 16mm", "inside: 200mm"),
         ("leaflet.yaml", "margins")),
    Case("layout-margin-infinite", in_layout("top: 18mm", "top: .inf"), ("leaflet.yaml", "margins.top")),
    Case("layout-header-taller-than-page", in_layout("header: {height: 9mm}", "header: {height: 400mm}"),
         ("leaflet.yaml", "header.height")),
    Case("layout-negative-footer", in_layout("footer: {height: 11mm}", "footer: {height: -11mm}"),
         ("leaflet.yaml", "footer.height")),
    Case("layout-gutter-too-wide", in_layout("gutter: 7mm", "gutter: 150mm"), ("leaflet.yaml", "gutter")),
    Case("layout-huge-heading-scale", in_layout("heading_scale: [1.55, 1.2]", "heading_scale: [60, 1.2]"),
         ("leaflet.yaml", "heading_scale")),
    Case("layout-heading-taller-than-frame", lambda t: in_layout("body_size: 12", "body_size: 40")(t) or in_layout(
        "heading_scale: [1.55, 1.2]", "heading_scale: [6, 1.2]")(t), ("leaflet.yaml", "levels.standard", "tall")),
    Case("layout-negative-heading-scale", in_layout("heading_scale: [1.55, 1.2]", "heading_scale: [-1, 1.2]"),
         ("leaflet.yaml", "heading_scale")),
    Case("layout-heading-scale-text", in_layout("heading_scale: [1.55, 1.2]", "heading_scale: big"),
         ("leaflet.yaml", "heading_scale")),
    Case("layout-negative-picture-width", in_layout("picture_width: 26mm", "picture_width: -26mm"),
         ("leaflet.yaml", "picture_width")),
    Case("layout-cover-band-taller-than-page", in_layout("band_height: 46mm", "band_height: 290mm"),
         ("leaflet.yaml", "band_height")),
    Case("layout-body-size-text", in_layout("body_size: 12", "body_size: big"), ("leaflet.yaml", "body_size")),
    Case("layout-columns-fraction", in_layout("columns: 2\n    heading_scale: [1.55",
                                              "columns: 2.5\n    heading_scale: [1.55"), ("leaflet.yaml", "columns")),
    Case("layout-lists-sections", in_layout("levels:\n", "sections: [what-is-it, faq]\nlevels:\n"),
         ("leaflet.yaml", "'sections'", "topic.yaml")),
    Case("topic-no-red-flags-role", in_file("back-mouse/topic.yaml", "{id: when-to-get-help, role: red-flags}",
                                            "{id: when-to-get-help}"), ("topic.yaml", "red-flags")),
    Case("topic-no-intro-role", in_file("back-mouse/topic.yaml", "{id: what-is-it, role: intro}",
                                        "{id: what-is-it}"), ("topic.yaml", "intro")),
    Case("topic-sections-text", in_file("back-mouse/topic.yaml", "sections:", "sections: what-is-it\nold:"),
         ("topic.yaml", "sections")),
    Case("layout-no-levels", in_layout("levels:\n", "levels: {}\nold_levels:\n"), ("leaflet.yaml", "levels")),
    Case("layout-unknown-level", in_layout("  standard:\n", "  standardd:\n"), ("leaflet.yaml", "standardd")),
    Case("layout-empty", write("leaflet.yaml", "", base="layouts"), ("leaflet.yaml",)),
    Case("layout-binary-junk", write("leaflet.yaml", JUNK, base="layouts"), ("leaflet.yaml",)),
    Case("layout-bad-paper", in_layout("papers: [a4, letter]", "papers: [a3]"), ("leaflet.yaml", "papers")),
    Case("layout-bad-colour", in_layout('rule: "#9fb6c7"', 'rule: 0x9fb6c7'), ("leaflet.yaml", "colours.rule")),
    Case("layout-margins-text", in_layout("margins: {top: 18mm, bottom: 16mm, inside: 16mm, outside: 16mm}",
                                          "margins: wide"), ("leaflet.yaml", "margins")),
    Case("layout-huge-number", in_layout("top: 18mm", "top: 1e308"), ("leaflet.yaml", "margins.top")),
    Case("trifold-margins-too-wide", lambda t: in_file("trifold.yaml", "inside: 6.5mm", "inside: 60mm",
                                                     base="layouts")(t) or ["--layout", "trifold"],
         ("trifold.yaml", "a panel", "margins.inside")),
    Case("trifold-omits-red-flags", lambda t: in_file("trifold.yaml", "- {role: red-flags, blocks: [warning]}",
                                                    "- {role: signs}", base="layouts")(t) or ["--layout", "trifold"],
         ("trifold.yaml", "panels", "red-flags")),
    Case("trifold-panel-section-id", lambda t: in_file("trifold.yaml", "- {role: red-flags, blocks: [warning]}",
                                                     "- {id: when-to-get-help}", base="layouts")(t)
         or ["--layout", "trifold"], ("trifold.yaml", "role")),
    # fonts.yaml
    Case("fonts-empty", write("fonts.yaml", "", base="layouts"), ("fonts.yaml",)),
    Case("fonts-binary-junk", write("fonts.yaml", JUNK, base="layouts"), ("fonts.yaml",)),
    Case("fonts-missing-file", in_fonts("files/AtkinsonHyperlegible-Regular.ttf", "files/Nope.ttf"),
         ("fonts.yaml", "Nope.ttf")),
    Case("fonts-unknown-package", in_fonts("package: fontpkg_atkinson_hyperlegible", "package: fontpkg_nope"),
         ("fonts.yaml", "fontpkg_nope")),
    Case("fonts-package-number", in_fonts("package: fontpkg_atkinson_hyperlegible", "package: 5"),
         ("fonts.yaml", "package")),
    Case("fonts-axes-list", in_fonts('axes: {wght: 400, wdth: 100}}\n  bold: {file: "files/NotoSans[',
                                     'axes: [400]}\n  bold: {file: "files/NotoSans['), ("fonts.yaml", "axes")),
    Case("fonts-axes-text", in_fonts("axes: {wght: 700, wdth: 100}}\n  italic: {file: \"files/NotoSans-",
                                     "axes: {wght: heavy, wdth: 100}}\n  italic: {file: \"files/NotoSans-"),
         ("fonts.yaml", "axes")),
    Case("fonts-not-a-font", lambda t: (t.root / "fake.ttf").write_bytes(JUNK) and in_fonts(
        "regular: files/AtkinsonHyperlegible-Regular.ttf", f"regular: {t.root / 'fake.ttf'}")(t),
         ("fonts.yaml", "fake.ttf")),
    Case("fonts-family-text", in_fonts("atkinson-hyperlegible:\n  package", "atkinson-hyperlegible: x\nold:\n  package"),
         ("fonts.yaml", "atkinson-hyperlegible")),
    # clinic profile
    Case("clinic-phone-no-number", clinic(CLINIC + "phone: call the front desk\n"), ("clinic.yaml", "phone")),
    Case("clinic-phone-too-long", clinic(CLINIC + "phone: 1234567890123456789\n"), ("clinic.yaml", "phone")),
    Case("clinic-phone-words", clinic(CLINIC + "phone: +44 20 7946 0000 (reception)\n"), ("clinic.yaml", "phone")),
    Case("clinic-phone-list", clinic(CLINIC + "phone: [1, 2]\n"), ("clinic.yaml", "phone")),
    Case("clinic-empty", clinic(""), ("clinic.yaml",)),
    Case("clinic-binary-junk", clinic_bytes(JUNK), ("clinic.yaml",)),
    Case("clinic-no-name", clinic("phone: +44 20 7946 0000\n"), ("clinic.yaml", "name")),
    Case("clinic-unknown-field", clinic(CLINIC + "fax: 1234\n"), ("clinic.yaml", "fax")),
    Case("clinic-bad-accent", clinic(CLINIC + "accent: reddish\n"), ("clinic.yaml", "accent")),
    Case("clinic-pale-accent", clinic(CLINIC + 'accent: "#ffff00"\n'), ("clinic.yaml", "accent")),
    Case("clinic-missing-logo", clinic(CLINIC + "logo: nope.png\n"), ("clinic.yaml", "logo")),
    Case("clinic-junk-logo", lambda t: clinic_bytes(JUNK, "logo.png")(t) and t.clinic(CLINIC + "logo: logo.png\n"),
         ("logo",)),
    Case("clinic-directory", lambda t: (t.root / "clinic.d").mkdir() or ["--clinic", str(t.root / "clinic.d")],
         ("clinic.d",)),
    Case("clinic-website-ftp", clinic(CLINIC + "website: ftp://example.org\n"), ("clinic.yaml", "website")),
    Case("clinic-name-no-font", clinic(f"name: Smith {MOUSE}\n"), ("U+1F42D", "clinic profile field 'name'")),
    Case("clinic-website-no-font-trifold", lambda t: t.clinic(CLINIC + f"phone: 0800 123 456\nwebsite: https://a.example/{MOUSE}\n")
         + ["--layout", "trifold"], ("U+1F42D", "clinic profile field 'website'")),
    # options of a personalised copy
    Case("patient-no-font", options("--patient", f"Ana {MOUSE}"), ("U+1F42D", "--patient")),
    Case("note-no-font", options("--patient", "Ana", "--note", f"Heat {MOUSE}"), ("U+1F42D", "--note")),
    Case("clinician-no-font", options("--patient", "Ana", "--clinician", f"J {MOUSE}"), ("U+1F42D", "--clinician")),
    Case("note-over-its-limit", options("--patient", "Ana", "--note", "Heat " * 4000),
         ("--note", "the limit is 4,000")),
    Case("bleed-negative", options("--bleed", "-3mm"), ("--bleed",)),
    Case("bleed-text", options("--bleed", "wide"), ("--bleed",)),
]


@pytest.fixture
def tree(tmp_path) -> Tree:
    content, layouts = english_tree(tmp_path, levels=("standard",))
    return Tree(content, layouts, tmp_path / "out", tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_fails_cleanly(tree, case):
    extra = case.change(tree) or []
    result = CliRunner().invoke(main, ["build", "--content", str(tree.content), "--layouts", str(tree.layouts),
                                       "--out", str(tree.out), "-j", "1", "--lang", "en", "--level", "standard",
                                       "--paper", "a4", *extra])
    kind = outcome(result, tree.out)
    assert kind == "clean", f"outcome={kind}: {result.output}"
    for needle in case.needles:
        assert needle in result.output, result.output


def test_lists_nine_levels_deep_print_every_item(tree):
    """The deepest list the parser accepts is drawn in full: no item vanishes (markdown-it used to drop items past
    its nesting limit without a word)."""
    from tests.pdfread import normalized

    nested = "".join("  " * depth + f"- depth{depth + 1}marker\n" for depth in range(9))
    replace_in(tree.doc(), "::: checklist What you can do today", nested + "\n::: checklist What you can do today")
    result = CliRunner().invoke(main, ["build", "--content", str(tree.content), "--layouts", str(tree.layouts),
                                       "--out", str(tree.out), "-j", "1", "--paper", "a4"])
    assert result.exit_code == 0, result.output
    text = normalized(tree.out / "back-mouse/en/back-mouse_en_standard_leaflet_a4.pdf")
    assert all(f"depth{n}marker" in text for n in range(1, 10)), text
