"""The HTML twin: one accessible, self-contained page per document, rendered from the same model as the PDF.

Structure is checked with the standard library's HTML parser (one h1, headings in order, text alternatives,
lang/dir, escaping, no outside requests, same bytes twice); a headless Chromium screenshot shows that a real
browser renders the page (skipped where no Chromium is installed; .ci/run installs Debian's chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from handouts.config.clinic import Clinic
from handouts.text.fonts import FontLibrary
from handouts.html.writer import render_html, safe_href
from handouts.content.languages import load_language
from handouts.config.layouts import load_layout
from handouts.content.reader import read_document, read_topic
from handouts.document import template_context
from tests.conftest import CONTENT, LAYOUTS

CLINIC = Clinic(name="Smith & Jones <Physio>", address="1 High Street\nLondon <W1>", phone="+44 20 7946 0000",
                email="desk@example.org", website="https://example.org/back?a=1&b=2")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_FONTS = FontLibrary(LAYOUTS)
_LAYOUT = load_layout(LAYOUTS, "leaflet")


def page(lang: str = "en", level: str = "standard", clinic: Clinic | None = CLINIC, **kwargs) -> bytes:
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, lang)
    document = read_document(topic, lang, level, template_context(topic, language, clinic))
    return render_html(document, language, _LAYOUT, clinic, fonts=_FONTS, **kwargs)


def has_arabic() -> bool:
    return (CONTENT / "languages/ar.yaml").is_file() and (CONTENT / "back-mouse/ar/standard.md").is_file()


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list["Element"] = field(default_factory=list)


class Tree(HTMLParser):
    """A small element tree from html.parser: enough to ask structural questions of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.elements: list[Element] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.unbalanced.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        for element in self.stack[1:]:
            element.text += data

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


def parse(data: bytes) -> Tree:
    tree = Tree()
    tree.feed(data.decode("utf-8"))
    tree.close()
    return tree


@pytest.fixture(scope="module")
def english() -> bytes:
    return page()


@pytest.fixture(scope="module")
def english_tree(english) -> Tree:
    return parse(english)


def test_page_is_well_formed(english_tree):
    assert english_tree.unbalanced == []
    assert english_tree.stack == [english_tree.root]
    ids = [e.attrs["id"] for e in english_tree.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    referenced = [ref for e in english_tree.elements for ref in e.attrs.get("aria-labelledby", "").split()]
    assert set(referenced) <= set(ids), "aria-labelledby points to a missing id"


def test_language_and_direction(english_tree):
    html = english_tree.find("html")[0]
    assert html.attrs["lang"] == "en" and html.attrs["dir"] == "ltr"
    assert english_tree.find("title")[0].text.startswith("Back mouse")
    assert any(m.attrs.get("charset", "").lower() == "utf-8" for m in english_tree.find("meta"))
    assert any(m.attrs.get("name") == "viewport" for m in english_tree.find("meta"))


def heading_levels(tree: Tree) -> list[tuple[int, str]]:
    return [(int(e.tag[1]), e.text.strip()) for e in tree.elements if re.fullmatch(r"h[1-6]", e.tag)]


@pytest.mark.parametrize("level", ["easy", "standard", "detailed"])
def test_one_h1_and_headings_never_skip_a_level(level):
    tree = parse(page(level=level))
    levels = heading_levels(tree)
    assert [n for n, _ in levels].count(1) == 1 and levels[0][0] == 1
    for (before, _), (after, text) in zip(levels, levels[1:]):
        assert after <= before + 1, f"h{before} followed by h{after} ({text!r})"


def test_sections_follow_the_topic_order(english_tree):
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, "en")
    document = read_document(topic, "en", "standard", template_context(topic, language, CLINIC))
    expected = list(topic.section_ids)
    sections = [e for e in english_tree.find("section")]
    assert [s.attrs["id"] for s in sections] == expected
    h2 = [e.text.strip() for e in english_tree.find("h2") if e.attrs.get("id", "").endswith("-title")]
    assert h2 == [document.section(sid).title for sid in expected]
    for section in sections:
        assert section.attrs["aria-labelledby"] == f"{section.attrs['id']}-title"


def assert_text_alternatives(tree: Tree) -> None:
    svgs = tree.find("svg")
    assert svgs, "the page should carry its figures as inline SVG"
    for svg in svgs:
        assert svg.attrs.get("role") == "img"
        titles = [c for c in svg.children if c.tag == "title"]
        label = svg.attrs.get("aria-label", "").strip() or (titles[0].text.strip() if titles else "")
        assert label and label != "...", svg.attrs
        if "aria-labelledby" in svg.attrs:
            assert titles and titles[0].attrs.get("id") == svg.attrs["aria-labelledby"]
    for img in tree.find("img"):
        assert "alt" in img.attrs


@pytest.mark.parametrize("level", ["easy", "standard", "detailed"])
def test_every_figure_has_a_text_alternative(level):
    tree = parse(page(level=level))
    assert_text_alternatives(tree)
    figures = tree.find("figure")
    assert all(any(c.tag == "svg" for c in f.children) for f in figures)


def test_figure_alt_text_comes_from_figures_yaml(english_tree):
    topic = read_topic(CONTENT, "back-mouse")
    language = load_language(CONTENT, "en")
    document = read_document(topic, "en", "standard", template_context(topic, language, CLINIC))
    titles = [c.text.strip() for svg in english_tree.find("svg") for c in svg.children if c.tag == "title"]
    assert titles == [document.figures[fid].alt.strip() for fid in document.figure_ids()]


def test_semantic_blocks(english_tree):
    assert english_tree.find("main") and english_tree.find("header") and english_tree.find("footer")
    assert english_tree.find("ul") and english_tree.find("li")
    warnings = [a for a in english_tree.find("aside") if "box-warning" in a.attrs.get("class", "")]
    assert warnings and all(a.attrs.get("role") == "note" and a.attrs.get("aria-labelledby") for a in warnings)
    checks = [i for i in english_tree.find("input") if i.attrs.get("type") == "checkbox"]
    labels = {lab.attrs.get("for") for lab in english_tree.find("label")}
    assert checks and all(c.attrs["id"] in labels and "checked" not in c.attrs for c in checks)
    assert english_tree.find("strong")


def test_clinic_values_are_text_not_markup(english):
    text = english.decode("utf-8")
    assert "Smith &amp; Jones &lt;Physio&gt;" in text
    assert "<Physio>" not in text and "<W1>" not in text
    tree = parse(english)
    assert not tree.find("physio")
    hrefs = {a.attrs["href"] for a in tree.find("a")}
    assert {"tel:+442079460000", "mailto:desk@example.org", "https://example.org/back?a=1&b=2"} <= hrefs


def test_no_outside_requests(english_tree):
    """Nothing is fetched: the only http(s) addresses are links the reader may follow (content references and
    the clinic's website), never a resource the page loads."""
    for element in english_tree.elements:
        for name in ("src", "srcset", "data", "poster", "action", "xlink:href"):
            value = element.attrs.get(name, "")
            assert not value or value.startswith(("data:", "#")), (element.tag, name, value)
        if "href" in element.attrs:
            assert element.tag == "a" or element.attrs["href"].startswith("#"), element
            assert safe_href(element.attrs["href"]) or element.attrs["href"].startswith("#")
        assert element.tag not in {"script", "link", "iframe", "object", "embed", "base"}
    style = "".join(e.text for e in english_tree.find("style"))
    assert not re.search(r"url\((?!\s*['\"]?(data:|#))", style)
    assert "@import" not in style


def test_unsafe_link_schemes_are_dropped():
    assert safe_href("javascript:alert(1)") == "" and safe_href("data:text/html,x") == ""
    assert safe_href("https://example.org") == "https://example.org" and safe_href("tel:+441234") == "tel:+441234"


def test_same_input_same_bytes(english):
    assert page() == english


def test_without_clinic_and_without_embedded_fonts():
    data = page(level="easy", clinic=None, embed_fonts=False)
    tree = parse(data)
    assert not tree.find("address")
    assert "@font-face" not in data.decode("utf-8")
    assert len(tree.find("h1")) == 1


def test_fonts_are_embedded_subsets(english):
    text = english.decode("utf-8")
    faces = re.findall(r"@font-face \{[^}]*src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", text)
    assert faces and len(english) < 600_000


@pytest.mark.skipif(not has_arabic(), reason="no Arabic content in this tree")
def test_arabic_page_is_right_to_left():
    tree = parse(page("ar", "standard"))
    html = tree.find("html")[0]
    assert html.attrs["lang"] == "ar" and html.attrs["dir"] == "rtl"
    assert len(tree.find("h1")) == 1
    assert_text_alternatives(tree)
    levels = heading_levels(tree)
    assert all(after <= before + 1 for (before, _), (after, _) in zip(levels, levels[1:]))


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize("width", [390, 1280])
def test_renders_in_a_real_browser(tmp_path, english, width):
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine")
    source = tmp_path / "leaflet.html"
    source.write_bytes(english)
    shot = tmp_path / "shot.png"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
               f"--window-size={width},1400", source.as_uri()]
    result = subprocess.run(command, capture_output=True, timeout=120)
    assert shot.is_file(), result.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, "a blank page compresses to a few kilobytes"
    ihdr_width = int.from_bytes(data[16:20], "big")
    assert ihdr_width == width


def _label_sizes_on_phone(svg: str) -> list[tuple[float, str]]:
    """Every <text> label of one inline SVG as (CSS px on a 390 px phone, text): its font-size times the vertical
    scale of the transforms around it, times the width the SVG gets on the phone over its viewBox width."""
    import xml.etree.ElementTree as ET

    from handouts.html import writer

    root = ET.fromstring(re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", svg))
    view_width = float(root.attrib["viewBox"].split()[2])
    on_phone = writer.PICTURE_PX_ON_PHONE if view_width == writer.PICTURE_WIDTH else writer.FIGURE_PX_ON_PHONE
    out: list[tuple[float, str]] = []

    def walk(element, scale: float) -> None:
        for op, args in re.findall(r"(matrix|scale)\(([^)]*)\)", element.attrib.get("transform", "")):
            numbers = [float(n) for n in re.split(r"[\s,]+", args.strip())]
            scale *= abs(numbers[3] if op == "matrix" else numbers[-1])
        if element.tag == "text" and "font-size" in element.attrib.get("style", element.attrib.get("font-size", "")):
            size = float(re.search(r"font-size:\s*([\d.]+)", element.attrib["style"]).group(1))
            out.append((size * scale * on_phone / view_width, "".join(element.itertext())))
        for child in element:
            walk(child, scale)

    walk(root, 1.0)
    return out


@pytest.mark.parametrize("level", ["easy", "standard"])
def test_figure_labels_stay_at_least_14_css_px_on_a_phone(level):
    """Issue #13: in the HTML twin on a 390 px phone, words inside figures and pictures stay >= 14 CSS px, in
    the narrowest place each can be shown (a box; a picture row inside a box)."""
    svgs = re.findall(r"<svg\b.*?</svg>", page("en", level).decode(), flags=re.S)
    sizes = [s for svg in svgs for s in _label_sizes_on_phone(svg)]
    assert sizes, "no text labels found in the figures"
    assert min(sizes)[0] >= 14 - 0.05, sorted(sizes)[:3]
