"""Content model → Typst markup, for the speed benchmark's "same content in Typst" row.

Only for comparison, never shipped: it writes the same headings, paragraphs (bold, italic, links), lists,
boxes, Easy Read picture rows and figure captions as the PDF leaflet, on the same paper, margins, columns, type
size and colours, in the same font (Atkinson Hyperlegible). Figures are simple shapes (a tinted rectangle of the
figure's aspect ratio with a circle in it) because Typst cannot run our reportlab drawings; that makes Typst's job
a little lighter than ours, which the benchmark's notes say. All text goes in as Typst string literals, so no
content character can be read as Typst markup.
"""

from __future__ import annotations

from typing import Any

from handouts.content import model

MM = 72 / 25.4


def _s(text: str) -> str:
    """A Typst string literal embedded in markup (`#"..."`): prints the text literally."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'#"{escaped}"'


def _colour(colour: Any) -> str:
    """A layout colour (a "#rrggbb" string in the layout file; a reportlab colour in older layouts)."""
    hexval = colour.lstrip("#") if isinstance(colour, str) else colour.hexval()[2:]
    return f'rgb("#{hexval.lower()}")'


def _spans(spans: tuple[model.Span, ...]) -> str:
    out = []
    for span in spans:
        piece = _s(span.text)
        if span.bold:
            piece = f"#strong[{piece}]"
        if span.italic:
            piece = f"#emph[{piece}]"
        if span.href:
            target = span.href.replace("\\", "\\\\").replace('"', '\\"')
            piece = f'#link("{target}")[{piece}]'
        out.append(piece)
    return "".join(out)


class TypstWriter:
    """Writes one document; `figure_width` and `picture_width` are in points, as in the PDF."""

    def __init__(self, document: model.Document, layout: Any, paper: str) -> None:
        self.document = document
        self.layout = layout
        self.level = layout.level(document.level)
        width, height = layout.page_size(paper)
        m = layout.margins
        usable = width - m["inside"] - m["outside"]
        cols = self.level.columns
        self.page = (width, height)
        self.column_width = (usable - layout.gutter * (cols - 1)) / cols
        self.c = {key: _colour(value) for key, value in layout.colours.items()}

    # --- blocks ---------------------------------------------------------------------------------------------
    def shape(self, figure_id: str, width: float) -> str:
        from handouts.figures import aspect

        height = width / aspect(figure_id)
        radius = min(width, height) * 0.3
        return (f"#box(width: {width:.2f}pt, height: {height:.2f}pt)["
                f"#place(rect(width: 100%, height: 100%, fill: {self.c['tint']}, stroke: 0.8pt + {self.c['rule']}, "
                f"radius: 4pt))"
                f"#place(center + horizon, circle(radius: {radius:.2f}pt, fill: {self.c['accent']}))]")

    def block(self, block: model.Block) -> str:
        if isinstance(block, model.Paragraph):
            return _spans(block.spans) + "\n\n"
        if isinstance(block, model.Heading):
            return f"#heading(level: {min(block.level, 3)})[{_spans(block.spans)}]\n"
        if isinstance(block, model.ListBlock):
            func = "enum" if block.ordered else "list"
            items = ", ".join("[" + "".join(self.block(b) for b in item).strip() + "]" for item in block.items)
            marker = ', marker: [☐]' if block.checklist and not block.ordered else ""
            return f"#{func}({items}{marker})\n"
        if isinstance(block, model.Figure):
            width = self.column_width * self.level.figure_width
            return (f"#block(breakable: false, width: 100%)[#align(center)[{self.shape(block.figure_id, width)}]"
                    f"#v(4pt)#text(size: 0.85em, fill: {self.c['muted']})[{_s(block.caption)}]]\n")
        if isinstance(block, model.Box):
            warning = block.kind == "warning"
            fill = self.c["warning_tint"] if warning else self.c["tint"]
            stroke = f"1.2pt + {self.c['warning']}" if warning else "none"
            title_fill = self.c["warning"] if warning else self.c["accent"]
            inner = "".join(self.block(b) for b in block.blocks).strip()
            title = f"#text(fill: {title_fill}, weight: \"bold\")[{_s(block.title)}]\n\n" if block.title else ""
            return (f"#block(breakable: false, width: 100%, inset: 8pt, radius: 4pt, fill: {fill}, stroke: {stroke})"
                    f"[{title}{inner}]\n")
        if isinstance(block, model.PictureRow):
            width = self.level.picture_width
            inner = "".join(self.block(b) for b in block.blocks).strip()
            return (f"#grid(columns: ({width:.2f}pt, 1fr), column-gutter: 8pt, align: horizon, "
                    f"[{self.shape(block.figure_id, width)}], [{inner}])\n")
        raise TypeError(f"unknown block {block!r}")

    # --- document -------------------------------------------------------------------------------------------
    def markup(self) -> str:
        doc, layout, level = self.document, self.layout, self.level
        m = layout.margins
        width, height = self.page
        band = layout.cover_band_height
        body = level.body_size
        h2, h3 = level.heading_scale
        topic = doc.topic
        footer = f"{topic.version} · {topic.published.isoformat()} · {topic.review.isoformat()}"
        out = [
            f"#set document(title: {_s(doc.title)[1:]})",
            f"#set page(width: {width:.2f}pt, height: {height:.2f}pt, "
            f"margin: (top: {m['top'] + layout.header_height:.2f}pt, bottom: {m['bottom'] + layout.footer_height:.2f}pt, "
            f"inside: {m['inside']:.2f}pt, outside: {m['outside']:.2f}pt), columns: {level.columns}, "
            f"header: context {{ if counter(page).get().first() > 1 [#text(size: 0.75em, fill: {self.c['muted']})"
            f"[{_s(doc.title)} #h(1fr) {_s(topic.publisher or '')}]] }}, "
            f"footer: context [#text(size: 0.75em, fill: {self.c['muted']})[{_s(footer)} #h(1fr) "
            f"#counter(page).display(\"1 / 1\", both: true)]])",
            f"#set columns(gutter: {layout.gutter:.2f}pt)",
            f"#set text(font: \"Atkinson Hyperlegible\", size: {body}pt, fill: {self.c['ink']}, lang: \"{doc.lang}\")",
            f"#set par(leading: {(level.leading - 1) * body:.2f}pt, spacing: {level.space_after * body * level.leading:.2f}pt)",
            f"#show heading.where(level: 2): set text(size: {body * h2:.2f}pt, fill: {self.c['accent']})",
            f"#show heading.where(level: 3): set text(size: {body * h3:.2f}pt, fill: {self.c['accent']})",
            f"#place(top + left, scope: \"parent\", float: true, dx: -{m['inside']:.2f}pt, "
            f"dy: -{m['top'] + layout.header_height:.2f}pt, "
            f"block(width: {width:.2f}pt, height: {band:.2f}pt, fill: {self.c['accent']}, inset: (x: {m['inside']:.2f}pt, "
            f"top: {m['top']:.2f}pt))[#text(fill: {self.c['accent_text']}, size: {body * 2:.1f}pt, weight: \"bold\")"
            f"[{_s(doc.title)}] \\ #text(fill: {self.c['accent_text']})[{_s(doc.subtitle)}]])",
        ]
        for section in doc.sections:
            out.append(f"#heading(level: 2)[{_s(section.title)}]")
            out.extend(self.block(block) for block in section.blocks)
        if topic.publisher:
            out.append(f"#text(size: 0.8em, fill: {self.c['muted']})[{_s(topic.publisher)}]")
        return "\n".join(out) + "\n"


def typst_markup(document: model.Document, layout: Any, paper: str) -> str:
    """The Typst source of one document on one paper size."""
    return TypstWriter(document, layout, paper).markup()
