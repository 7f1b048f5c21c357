"""One document → one self-contained, accessible HTML page (the web and phone twin of the PDF leaflet).

Rendered from the same content model as the PDF, with Jinja2 templates in handouts/templates (autoescaping on,
StrictUndefined), so every piece of content and clinic data is escaped by the template engine and a misspelt
variable is an error, never a blank. The page makes no outside requests: figures are inline SVG (drawn by
handouts.figures, converted with reportlab's SVG renderer), the stylesheet is inline, and the language's own
fonts are embedded as small WOFF subsets so the page reads the same as the PDF on any phone. Output is
deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from handouts import __version__

from handouts.content import model
from handouts.config.clinic import Clinic
from handouts.errors import FontError
from handouts.text.fonts import FontChain, FontLibrary, font_chain
from handouts.content.languages import Language
from handouts.config.layouts import Layout
from handouts.content.phone import tel_href
from handouts.content.langtags import direction
from handouts.text.scripts import language_runs, latin_language

FIGURE_WIDTH = 480.0      # points; only sets the SVG's coordinate system, CSS scales it to the column
PICTURE_WIDTH = 240.0
# Words inside figures stay at least 14 CSS px on a 390 px phone (issue #13). The narrowest place each is shown
# there, in CSS px (leaflet.css.j2): a figure inside a box (390 - 2 * 16 main padding - 2 * 21 box padding and
# border), a picture in a picture row inside a box (40 % of that). The floor is set in SVG units for the width
# each is drawn at, since CSS scales the SVG to its place.
MIN_LABEL_PX = 14.0
FIGURE_PX_ON_PHONE = 390 - 2 * 16 - 2 * 21
PICTURE_PX_ON_PHONE = 0.4 * FIGURE_PX_ON_PHONE
SYSTEM_FONTS = ("system-ui", "-apple-system", "'Segoe UI'", "Roboto", "'Noto Sans'", "Arial", "sans-serif")
_STYLE_FACES = {"regular": ("normal", "normal"), "bold": ("bold", "normal"), "italic": ("normal", "italic"),
                "bolditalic": ("bold", "italic")}


def render_html(document: model.Document, language: Language, layout: Layout, clinic: Clinic | None,
                *, fonts: FontLibrary | None = None, embed_fonts: bool = True) -> bytes:
    """The HTML page of one document, UTF-8 encoded.

    `fonts` defaults to the font library next to the layout (layouts/fonts.yaml); figure labels need the
    registered faces to measure their text. `embed_fonts=False` leaves out the @font-face subsets (smaller
    page, system fonts only)."""
    from handouts import figures as figures_pkg
    from handouts.config.clinic import branded_layout
    from handouts.document import check_figures

    layout = branded_layout(layout, clinic)  # the clinic's accent colour, as in the PDF
    library = fonts or FontLibrary(layout.path.parent)
    chain = font_chain(library, language.body_font, list(language.fallback_fonts), language.code)
    check_figures(document, figures_pkg.FIGURE_IDS, figures_pkg.label_keys)
    from handouts.pdf.drawings import figure_palette, figure_style

    style = figure_style(chain, language.rtl, figure_palette(layout))
    families = _css_families(chain)
    svg = _FigureMaker(document, style, families)
    page = _environment().get_template("document.html.j2")

    def render(font_css: str) -> str:
        svg.reset()
        return page.render(**_page_values(document, language, layout, clinic, chain, svg, font_css))

    first = render("")
    if not embed_fonts:
        return first.encode("utf-8")
    font_css = _font_face_css(chain, _visible_text(first))
    return render(font_css).encode("utf-8")


# --- Jinja2 ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("handouts.html", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["kind"] = _kind
    env.globals["box_title_levels"] = model.box_title_levels   # a box title's heading level, as the PDF tags it
    env.filters["safe_href"] = safe_href
    env.tests["safe_href"] = lambda href: bool(safe_href(href))
    return env


def _kind(block: Any) -> str:
    """The template name of a model block (templates cannot call isinstance)."""
    for cls, name in ((model.Paragraph, "paragraph"), (model.Heading, "heading"), (model.ListBlock, "list"),
                      (model.Figure, "figure"), (model.Box, "box"), (model.PictureRow, "picture")):
        if isinstance(block, cls):
            return name
    raise TypeError(f"unknown block {block!r}")


def safe_href(href: str | None) -> str:
    """The link target if it uses a scheme a leaflet may link to, else '' (no javascript:, data:, file:)."""
    if href and href.strip().lower().startswith(model.LINK_SCHEMES):
        return href.strip()
    return ""


# --- page values ----------------------------------------------------------------------------------------------

def _page_values(document: model.Document, language: Language, layout: Layout, clinic: Clinic | None,
                 chain: FontChain, svg: "_FigureMaker", font_css: str) -> dict[str, Any]:
    from handouts.document import footer_line, publisher, review_trail, status_text

    topic = document.topic
    cover_summary = document.summary_box() if layout.cover_summary else None
    sections = list(document.sections)
    level = layout.level(document.level)
    dates = footer_line(document, language)
    status = status_text(document, language)
    return {
        "document": document,
        "language": language,
        "title": document.title,
        "subtitle": document.subtitle,
        "head_title": document.title + (f": {document.subtitle}" if document.subtitle else ""),
        "keywords": ", ".join(topic.keywords.get(language.code) or topic.keywords.get("en") or []),
        "generator": f"handouts {__version__}",
        "sections": sections,
        "cover_summary": cover_summary,
        "colours": dict(layout.colours),
        "level": document.level,
        "figure_share": round(level.figure_width * 100),
        "font_stack": Markup(", ".join([*(f"'{f}'" for f in _css_families(chain).values()), *SYSTEM_FONTS])),
        "font_css": Markup(font_css),
        "trail": review_trail(document, language, clinic),
        "dates": dates,
        "status": status,
        "draft": document.status == "draft",
        "publisher": publisher(topic, clinic, language.code),
        "clinic": _clinic_values(clinic, language),
        "svg": svg,
        "uid": svg.uid,
        "runs": partial(language_markup, own=language.code, rtl=language.rtl,
                        latin=latin_language(language.script)),
    }


def language_markup(text: str, lang: str | None = None, *, own: str, rtl: bool, latin: str | None) -> Markup:
    """Escaped text whose runs in another language are `<span lang>`: the content's own mark (`lang`, from
    `[words]{lang=xx}`), else, in a document of a non-Latin script, each run of Latin words (handouts.scripts).
    A run written the other way from the page also gets `dir`, which isolates it (HTML's default style gives
    `[dir]` `unicode-bidi: isolate`), as `<bdi>` would."""
    if lang and lang != own:
        return _span(text, lang, rtl)
    if lang:
        return escape(text)
    return Markup("").join(_span(run, run_lang, rtl) if run_lang else escape(run)
                           for run, run_lang in language_runs(text, latin))


def _span(text: str, lang: str, rtl: bool) -> Markup:
    run_rtl = direction(lang) == "rtl"
    isolate = f' dir="{"rtl" if run_rtl else "ltr"}"' if run_rtl != rtl else ""
    return Markup(f'<span lang="{escape(lang)}"{isolate}>{escape(text)}</span>')


def _string(language: Language, key: str) -> str:
    """A furniture word, or '' when the language entry lacks it (never the bare key)."""
    return language.strings.get(key, "")


def _clinic_values(clinic: Clinic | None, language: Language) -> dict[str, Any] | None:
    if clinic is None or not (clinic.name or clinic.phone or clinic.email or clinic.website or clinic.address):
        return None
    phone_href = tel_href(clinic.phone) if clinic.phone else ""
    website_href = safe_href(clinic.website)
    if clinic.website and not website_href and re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/\S*)?", clinic.website, re.I):
        website_href = "https://" + clinic.website
    return {
        "name": clinic.name,
        "address_lines": [line.strip() for line in clinic.address.splitlines() if line.strip()],
        "phone": clinic.phone,
        "phone_href": phone_href,
        "email": clinic.email,
        "email_href": "mailto:" + clinic.email if "@" in clinic.email else "",
        "website": clinic.website,
        "website_href": website_href,
        "clinician": clinic.clinician,
        "logo": _logo_data_uri(clinic.logo),
        "labels": {key: _string(language, key) for key in ("contact", "phone", "email", "website")},
    }


def _logo_data_uri(path: Path | None) -> str:
    """The clinic logo as a data: URI (no outside request). Checked like the PDF's (size, format)."""
    if path is None:
        return ""
    from handouts.config.clinic import check_logo

    info = check_logo(path)
    mime = "image/svg+xml" if info.kind == "svg" else \
        ("image/png" if path.read_bytes()[:4] == b"\x89PNG" else "image/jpeg")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


# --- figures --------------------------------------------------------------------------------------------------

@dataclass
class _FigureMaker:
    """Draws figures as inline SVG for the templates; numbers them in page order so ids are unique and stable."""

    document: model.Document
    style: Any
    families: dict[str, str]
    count: int = 0

    ids: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.count = 0
        self.ids.clear()

    def uid(self, prefix: str) -> str:
        """A page-unique element id ('box-3'), numbered in page order so the output is stable."""
        self.ids[prefix] = self.ids.get(prefix, 0) + 1
        return f"{prefix}-{self.ids[prefix]}"

    def __call__(self, figure_id: str, picture: bool = False) -> Markup:
        from handouts import figures as figures_pkg
        from reportlab.graphics import renderSVG

        self.count += 1
        prefix = f"fig{self.count}"
        text = self.document.figures[figure_id]
        width, on_phone = (PICTURE_WIDTH, PICTURE_PX_ON_PHONE) if picture else (FIGURE_WIDTH, FIGURE_PX_ON_PHONE)
        style = dataclasses.replace(self.style, label_floor=MIN_LABEL_PX * width / on_phone)
        drawing = figures_pkg.draw_figure(figure_id, text.labels, style, width)
        drawing.height = math.ceil(drawing.height)  # renderSVG flips with an integer height; keep them equal
        return Markup(svg_element(renderSVG.drawToString(drawing), prefix, text.alt, self._font_css,
                                  css_class=f"figure-svg figure-{figure_id}"))

    def _font_css(self, face: str) -> str:
        return face_css(face, self.families)


def svg_element(svg: str, prefix: str, alt: str, font_css: Callable[[str], str], *, css_class: str) -> str:
    """reportlab's standalone SVG document → an inline, accessible <svg> element.

    Drops the XML prolog and doctype and the placeholder <title>/<desc>, gives the element role="img" and a
    <title> holding the alt text (referenced by aria-labelledby), makes every id unique on the page (reportlab
    calls every clip path "clip"), sizes it by viewBox so CSS can scale it, and maps reportlab font names to CSS
    font families."""
    svg = svg[svg.index("<svg"):]
    open_tag = re.match(r"<svg\b[^>]*>", svg)
    assert open_tag is not None
    width = float(re.search(r'\bwidth="([\d.]+)"', open_tag.group(0)).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'\bheight="([\d.]+)"', open_tag.group(0)).group(1))  # type: ignore[union-attr]
    body = svg[open_tag.end():]
    body = re.sub(r"\s*<title>\.\.\.</title>\s*<desc>\.\.\.</desc>", "", body, count=1)
    body = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', body)
    body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", body)
    body = re.sub(r'(xlink:)?href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(2)}"', body)
    body = re.sub(r'\s*transform=""', "", body)
    body = re.sub(r"font-family: ([^;\"]+)", lambda m: font_css(m.group(1).strip()), body)
    body = re.sub(r"\n\t*", "\n", body).strip()
    title_id = f"{prefix}-title"
    return (f'<svg class="{css_class}" role="img" aria-labelledby="{title_id}" focusable="false" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" preserveAspectRatio="xMidYMid meet">\n'
            f'<title id="{title_id}">{html.escape(alt)}</title>\n{body}')


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def face_css(face: str, families: dict[str, str]) -> str:
    """CSS for a registered reportlab face name (e.g. 'atkinson-hyperlegible-bold'), single-quoted so it can sit
    inside a style attribute."""
    for family, css_name in sorted(families.items(), key=lambda kv: -len(kv[0])):
        if face == family or face.startswith(family + "-"):
            weight, style = _STYLE_FACES.get(face[len(family) + 1:] or "regular", ("normal", "normal"))
            stack = ", ".join([f"'{css_name}'", *SYSTEM_FONTS])
            return f"font-family: {stack}; font-weight: {weight}; font-style: {style}"
    return "font-family: " + ", ".join(SYSTEM_FONTS)


# --- fonts ----------------------------------------------------------------------------------------------------

def _css_families(chain: FontChain) -> dict[str, str]:
    """Font family name in the library → the name its embedded subset gets in CSS (never a name that could
    pick up a different installed font of the same name)."""
    return {family.name: f"handouts {family.name}" for family in chain.families}


_TAG = re.compile(r"<[^>]*>")


def _visible_text(page: str) -> str:
    """Every character the page can show (text and alt text), to subset the fonts to."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<path\b[^>]*>", " ", page)
    return html.unescape(_TAG.sub(" ", page))


def _font_face_css(chain: FontChain, text: str) -> str:
    """@font-face rules with WOFF subsets of each family of the chain, each holding only the characters that
    family draws (the first family of the chain that has them, as in the PDF)."""
    per_family: dict[str, set[str]] = {}
    for char in sorted(set(text)):
        if char.isspace() or ord(char) < 0x20:
            continue
        try:
            family = chain.family_for(char)
        except FontError:
            continue  # the browser falls back to a system font for it
        per_family.setdefault(family.name, set()).add(char)
    names = _css_families(chain)
    rules = []
    for family in chain.families:
        chars = per_family.get(family.name)
        if not chars:
            continue
        for style, face in sorted(family.faces.items()):
            data = _subset_woff(str(face.path), "".join(sorted(chars)))
            weight, font_style = _STYLE_FACES[style]
            rules.append(f"@font-face {{ font-family: '{names[family.name]}'; font-weight: {weight}; "
                         f"font-style: {font_style}; font-display: swap; "
                         f"src: url(data:font/woff;base64,{base64.b64encode(data).decode('ascii')}) "
                         f"format('woff'); }}")
    return "\n".join(rules)


# Characters the stylesheet draws itself: list markers, the warning badge, the brackets around printed URLs.
_ALWAYS = " \u00a0\u2022.!()0123456789"


@lru_cache(maxsize=64)
def _subset_woff(path: str, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]          # keep the copyright and licence (OFL) names
    options.notdef_outline = True
    options.layout_features = ["*"]   # joining, conjuncts, kerning, ligatures
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars + _ALWAYS)
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()

