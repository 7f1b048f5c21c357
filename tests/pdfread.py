"""Helpers that read built PDFs back, for assertions."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from pypdf import PdfReader


def text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def normalized(path: Path) -> str:
    return re.sub(r"\s+", " ", text(path))


def fonts(path: Path) -> dict[str, dict]:
    """Every font a page or form uses: base name -> {embedded, subset}."""
    found: dict[str, dict] = {}
    with pikepdf.open(path) as pdf:
        def visit(resources) -> None:
            if resources is None:
                return
            for font in (resources.get("/Font") or {}).values():
                descendants = font.get("/DescendantFonts")
                base = str(font.get("/BaseFont"))
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[base.lstrip("/")] = {"embedded": embedded,
                                           "subset": bool(re.match(r"/?[A-Z]{6}\+", base))}
            for xobject in (resources.get("/XObject") or {}).values():
                visit(xobject.get("/Resources"))

        for page in pdf.pages:
            visit(page.get("/Resources"))
    return found


def outline_titles(path: Path) -> list[str]:
    reader = PdfReader(path)
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def form_names(path: Path) -> list[str]:
    """Names of form XObjects drawn on each page (figures are drawn as forms named Fig-<id>-...)."""
    names: list[str] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            xobjects = page.get("/Resources", {}).get("/XObject") or {}
            content = page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else b"".join(
                c.read_bytes() for c in page.Contents)
            for name in xobjects.keys():
                if (name.encode() + b" Do") in content:
                    names.append(name)
    return names


def qpdf_problems(path: Path) -> list[str]:
    """What `qpdf --check` would complain about (pikepdf bundles qpdf), plus every page's content parsed."""
    with pikepdf.open(path) as pdf:
        problems = list(pdf.check_pdf_syntax())
        for number, page in enumerate(pdf.pages, 1):
            try:
                pikepdf.parse_content_stream(page)
            except pikepdf.PdfError as exc:
                problems.append(f"page {number}: {exc}")
    return problems


def language_runs(path: Path) -> list[tuple[str, str]]:
    """(language, text) of every marked-content sequence with a /Lang property, in content order, read with
    pdfminer (what it draws, through the fonts' ToUnicode maps, not the /ActualText)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    runs: list[tuple[str, str]] = []

    class Device(PDFPageAggregator):
        stack: list = []

        def begin_tag(self, tag, props=None) -> None:
            lang = props.get("Lang") if isinstance(props, dict) else None
            self.stack.append([lang.decode() if isinstance(lang, bytes) else lang, ""])

        def end_tag(self) -> None:
            lang, text = self.stack.pop()
            if lang is not None:
                runs.append((lang, text))

        def render_char(self, *args, **kwargs) -> float:
            adv = super().render_char(*args, **kwargs)
            for entry in self.stack:
                if entry[0] is not None:
                    entry[1] += self.cur_item._objs[-1].get_text()
            return adv

    with open(path, "rb") as handle:
        manager = PDFResourceManager()
        device = Device(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(handle):
            device.stack = []
            interpreter.process_page(page)
    return runs
