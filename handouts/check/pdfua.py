"""PDF/UA-1 conformance of built PDFs (`handouts check --pdf`), checked with pikepdf and fontTools.

veraPDF cannot be installed where the leaflets are built, and a clinic that must show PDF/UA needs a check it can
run in the same pipeline, so the project owns one. It covers the Matterhorn Protocol conditions a machine can
decide on the kind of file this tool writes; what needs a human (is the alt text right, is the reading order
the logical one) is left to review. Each condition has a stable id, used in every finding:

| id | ISO 14289-1 | what fails it |
| --- | --- | --- |
| `not-tagged` | 7.1 | no /StructTreeRoot |
| `marked` | 7.1 | the catalog's /MarkInfo lacks /Marked true |
| `untagged-content` | 7.1 | text or a paint operator outside an /Artifact and outside an MCID'd sequence, in a page stream or a form XObject drawn untagged |
| `mcid-unreferenced` | 7.1 | an MCID in a content stream that no structure element references |
| `mcid-duplicate` | 7.1 | an MCID used twice in one stream, or referenced by more than one element |
| `mcid-missing` | 7.1 | a structure element references an MCID that no content stream has |
| `parent-tree` | 7.1 (ISO 32000-1 14.7.4.4) | a parent-tree entry missing, pointing to a null, to an MCID that does not exist, or to an element that does not own it; a stream with MCIDs but no /StructParents |
| `tabs` | 7.18.3 | a page with annotations lacks /Tabs /S |
| `lang` | 7.2 | the catalog has no /Lang |
| `display-doc-title` | 7.1 | /ViewerPreferences lacks /DisplayDocTitle true |
| `xmp-title` | 7.1 | no XMP metadata stream, or no dc:title in it |
| `pdfua-claim` | 5 | the XMP lacks `pdfuaid:part` = 1 |
| `version` | 5 | PDF version under 1.7 in both the header and the catalog's /Version |
| `figure-alt` | 7.3 | a Figure element without /Alt or /ActualText |
| `heading-first` | 7.4.2 | the first numbered heading is not H1 |
| `heading-skip` | 7.4.2 | a heading level skipped (H1 then H3) |
| `list-structure` | 7.6 | L with a child other than LI or Caption; LI outside L, or with a child other than Lbl or LBody |
| `link-objr` | 7.18.5 | a Link annotation not referenced by an OBJR from a Link element |
| `link-text` | 7.18.5 | a Link element with no marked content (the link's visible text) |
| `annot-contents` | 7.18.1 | an annotation (other than Popup, Widget or PrinterMark) without /Contents |
| `font-embedded` | 7.21.4.1 | a font without an embedded program (FontFile, FontFile2, FontFile3) |
| `font-tounicode` | 7.21.7 | a font without a ToUnicode map |
| `tounicode-zero` | 7.21.7 | a ToUnicode entry that maps a code to U+0000 |
| `font-widths` | 7.21.5 | a width in /W or /Widths more than 1/1000 em from the embedded font program's advance |

`check_pdf` returns the findings of one file; `check_paths` of files and folders (every .pdf in a folder).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import pikepdf

from handouts.errors import HandoutsError

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "INLINE IMAGE", "BI"} | TEXT_SHOWING
HEADING = re.compile(r"^H([1-6])$")
NO_CONTENTS_NEEDED = {"/Popup", "/Widget", "/PrinterMark"}
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
DC = "http://purl.org/dc/elements/1.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
WIDTH_TOLERANCE = 1.0   # units of 1/1000 em


class PdfCheckError(HandoutsError):
    """A file given to `check --pdf` is not a PDF that can be read."""

    exit_code = 2


@dataclass(frozen=True)
class Finding:
    condition: str     # a stable id from the table above
    message: str       # what is wrong, naming the object
    page: int | None   # 1-based page, None for the whole document

    def line(self, path: Path | str) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{path}: {where}{self.condition}: {self.message}"


# ---------------------------------------------------------------------------------------------------------------
# Opening


def open_pdf(path: Path, password: str | None = None) -> pikepdf.Pdf:
    """The file, opened; a PdfCheckError naming it when it is not a readable PDF (or needs another password)."""
    try:
        with warnings.catch_warnings():   # pikepdf warns when a password was given to an unencrypted file
            warnings.simplefilter("ignore", UserWarning)
            return pikepdf.open(path, password=password or "")
    except pikepdf.PasswordError:
        raise PdfCheckError("encrypted and the password does not open it", path=path,
                            hint="set $HANDOUTS_PDF_PASSWORD to its password") from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PdfCheckError(f"not a readable PDF ({reason[:120]})", path=path,
                            hint="give built PDFs or folders of them") from None


def pdf_files(paths: Iterable[Path]) -> list[Path]:
    """Each file given, and every .pdf under each folder given, in a stable order."""
    out: list[Path] = []
    for given in paths:
        out.extend(sorted(given.rglob("*.pdf")) if given.is_dir() else [given])
    return out


def check_paths(paths: Iterable[Path], password: str | None = None) -> list[tuple[Path, Finding]]:
    """Every finding of every PDF given; a PdfCheckError (exit 2) for the first file that cannot be read."""
    findings: list[tuple[Path, Finding]] = []
    for path in pdf_files(paths):
        with open_pdf(path, password) as pdf:
            findings.extend((path, finding) for finding in check_pdf(pdf))
    return findings


def check_pdf(pdf: pikepdf.Pdf) -> list[Finding]:
    """The findings of one open PDF, document conditions first, then page by page."""
    findings = _catalog(pdf) + _metadata(pdf)
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
    streams = _StreamScan(pdf, pages)
    for number, page in enumerate(pdf.pages, 1):
        streams.scan_page(page, number)
        findings += _annotations(page, number)
    findings += streams.findings
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        findings.append(Finding("not-tagged", "the catalog has no /StructTreeRoot: nothing is tagged", None))
    else:
        findings += _StructureCheck(pdf, tree, pages, streams).run()
    findings += _fonts(pdf)
    return findings


# ---------------------------------------------------------------------------------------------------------------
# Document-level entries


def _catalog(pdf: pikepdf.Pdf) -> list[Finding]:
    root = pdf.Root
    out: list[Finding] = []
    mark_info = root.get("/MarkInfo")
    if not isinstance(mark_info, pikepdf.Dictionary) or mark_info.get("/Marked") is not True:
        out.append(Finding("marked", "the catalog's /MarkInfo does not say /Marked true", None))
    lang = root.get("/Lang")
    if lang is None or not str(lang).strip():
        out.append(Finding("lang", "the catalog has no /Lang (the document's language)", None))
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary) or prefs.get("/DisplayDocTitle") is not True:
        out.append(Finding("display-doc-title", "/ViewerPreferences lacks /DisplayDocTitle true", None))
    header = _version_tuple(pdf.pdf_version)
    catalog = _version_tuple(str(root.get("/Version", ""))[1:]) if "/Version" in root else (0, 0)
    if max(header, catalog) < (1, 7):
        out.append(Finding("version", f"PDF version {pdf.pdf_version} (header) with no catalog /Version of "
                                      "1.7 or later: PDF/UA-1 is based on PDF 1.7", None))
    return out


def _version_tuple(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _metadata(pdf: pikepdf.Pdf) -> list[Finding]:
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return [Finding("xmp-title", "the catalog has no XMP /Metadata stream", None),
                Finding("pdfua-claim", "no XMP metadata, so no pdfuaid:part claim", None)]
    try:
        root = ET.fromstring(stream.read_bytes())
    except ET.ParseError as exc:
        return [Finding("xmp-title", f"the XMP metadata is not well-formed XML ({exc})", None),
                Finding("pdfua-claim", "the XMP metadata cannot be read, so no pdfuaid:part claim", None)]
    out: list[Finding] = []
    titles = [li.text for title in root.iter(f"{{{DC}}}title") for li in title.iter(f"{{{RDF}}}li")]
    if not any(text and text.strip() for text in titles):
        out.append(Finding("xmp-title", "the XMP metadata has no dc:title", None))
    parts = [el.text for el in root.iter(f"{{{PDFUAID}}}part")]
    parts += [el.get(f"{{{PDFUAID}}}part") for el in root.iter() if el.get(f"{{{PDFUAID}}}part") is not None]
    if not any(part is not None and part.strip() == "1" for part in parts):
        found = f" (found {parts[0]!r})" if parts else ""
        out.append(Finding("pdfua-claim", f"the XMP metadata lacks pdfuaid:part = 1{found}", None))
    return out


def _annotations(page: pikepdf.Page, number: int) -> list[Finding]:
    annots = page.obj.get("/Annots")
    if not isinstance(annots, pikepdf.Array) or len(annots) == 0:
        return []
    out: list[Finding] = []
    if page.obj.get("/Tabs") != "/S":
        out.append(Finding("tabs", "the page has annotations but no /Tabs /S (tab order by structure)", number))
    for index, annot in enumerate(annots):
        subtype = str(annot.get("/Subtype", ""))
        contents = annot.get("/Contents")
        if subtype not in NO_CONTENTS_NEEDED and (contents is None or not str(contents).strip()):
            out.append(Finding("annot-contents", f"{subtype[1:] or 'annotation'} annotation #{index + 1} "
                                                 "has no /Contents (its description)", number))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Content streams: marked content and the MCIDs each stream holds


class _StreamScan:
    """Walks every page stream and the form XObjects they draw. Records untagged painting and, per stream (a
    page or a form, by object id), the MCIDs it marks."""

    def __init__(self, pdf: pikepdf.Pdf, pages: dict[tuple[int, int], int]) -> None:
        self.pdf = pdf
        self.findings: list[Finding] = []
        self.mcids: dict[tuple[int, int], list[int]] = {}      # stream objgen -> MCIDs in order
        self.stream_page: dict[tuple[int, int], int] = {}      # stream objgen -> 1-based page first drawn on
        self.stream_obj: dict[tuple[int, int], Any] = {}       # stream objgen -> the page or form dictionary
        self._forms_done: set[tuple[tuple[int, int], bool]] = set()

    def scan_page(self, page: pikepdf.Page, number: int) -> None:
        objgen = page.obj.objgen
        self.stream_page[objgen] = number
        self.stream_obj[objgen] = page.obj
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError as exc:
            self.findings.append(Finding("untagged-content", f"the page's content cannot be parsed ({exc})",
                                         number))
            return
        self._scan(instructions, page.obj.get("/Resources"), objgen, number, "the page", covered=False)

    def _scan(self, instructions: Iterable[Any], resources: Any, objgen: tuple[int, int], number: int,
              where: str, covered: bool) -> None:
        stack: list[str] = []   # per open sequence: "mcid", "artifact" or "other"
        reported: set[str] = set()
        used = self.mcids.setdefault(objgen, [])
        for instruction in instructions:
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                tag = instruction.operands[0]
                props = _properties(instruction.operands[1], resources) if operator == "BDC" else None
                if tag == "/Artifact":
                    stack.append("artifact")
                elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    stack.append("mcid")
                    used.append(int(props.MCID))
                else:
                    stack.append("other")
            elif operator == "EMC":
                if stack:
                    stack.pop()
            elif operator == "Do":
                self._do(instruction.operands[0], resources, number,
                         covered or "mcid" in stack or "artifact" in stack, where, reported)
            elif operator in PAINTING and not covered and "mcid" not in stack and "artifact" not in stack:
                if operator not in reported:   # one finding per operator and stream is enough to act on
                    reported.add(operator)
                    kind = "text" if operator in TEXT_SHOWING else "paint"
                    self.findings.append(Finding("untagged-content", f"{where}: {kind} operator {operator} "
                                                 "outside an /Artifact and outside tagged content", number))

    def _do(self, name: Any, resources: Any, number: int, covered: bool, where: str, reported: set[str]) -> None:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        xobject = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobject, pikepdf.Stream):
            return
        if xobject.get("/Subtype") == "/Form":
            key = (xobject.objgen, covered)
            if key in self._forms_done:
                return
            self._forms_done.add(key)
            self.stream_page.setdefault(xobject.objgen, number)
            self.stream_obj[xobject.objgen] = xobject
            try:
                instructions = pikepdf.parse_content_stream(xobject)
            except pikepdf.PdfError as exc:
                self.findings.append(Finding("untagged-content", f"form {name} cannot be parsed ({exc})", number))
                return
            self._scan(instructions, xobject.get("/Resources", resources), xobject.objgen, number,
                       f"form {name}", covered)
        elif not covered and "Do" not in reported:
            reported.add("Do")
            self.findings.append(Finding("untagged-content", f"{where}: image {name} drawn outside an /Artifact "
                                                             "and outside tagged content", number))


def _properties(operand: Any, resources: Any) -> Any:
    """A BDC's property list: inline, or a name in the resources' /Properties."""
    if isinstance(operand, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
        named = resources.get("/Properties")
        return named.get(operand) if isinstance(named, pikepdf.Dictionary) else None
    return operand


# ---------------------------------------------------------------------------------------------------------------
# The structure tree


class _StructureCheck:
    def __init__(self, pdf: pikepdf.Pdf, tree: Any, pages: dict[tuple[int, int], int], streams: _StreamScan) -> None:
        self.pdf = pdf
        self.tree = tree
        self.pages = pages
        self.streams = streams
        role_map = tree.get("/RoleMap")
        self.role_map = {str(k)[1:]: str(v)[1:] for k, v in role_map.items()} if isinstance(
            role_map, pikepdf.Dictionary) else {}
        self.findings: list[Finding] = []
        self.owners: dict[tuple[tuple[int, int], int], list[Any]] = {}   # (stream, MCID) -> elements
        self.objr: dict[tuple[int, int], list[Any]] = {}                 # annotation objgen -> elements
        self.headings: list[tuple[int, Any]] = []

    def run(self) -> list[Finding]:
        seen: set[tuple[int, int]] = set()
        for kid in _kids(self.tree):
            if _is_element(kid):
                self._visit(kid, None, seen)
        self._headings()
        self._mcids()
        self._parent_tree()
        self._links()
        return self.findings

    def role(self, element: Any) -> str:
        role = str(element.get("/S", "/"))[1:]
        for _ in range(10):   # a role map may chain; ten steps is plenty and stops a cycle
            if role not in self.role_map:
                break
            role = self.role_map[role]
        return role

    def _page_of(self, element: Any) -> int | None:
        page = element.get("/Pg")
        return self.pages.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None

    def _describe(self, element: Any) -> str:
        return f"{self.role(element)} element (object {element.objgen[0]})"

    def _visit(self, element: Any, parent_role: str | None, seen: set[tuple[int, int]]) -> None:
        if element.objgen in seen and element.objgen != (0, 0):
            return
        seen.add(element.objgen)
        role = self.role(element)
        page = self._page_of(element)
        kids = _kids(element)
        child_roles = [self.role(kid) for kid in kids if _is_element(kid)]
        if role == "Figure":
            alt = element.get("/Alt") or element.get("/ActualText")
            if alt is None or not str(alt).strip():
                self.findings.append(Finding("figure-alt", f"{self._describe(element)} has no /Alt", page))
        if match := HEADING.match(role):
            self.headings.append((int(match.group(1)), element))
        if role == "L" and any(r not in ("LI", "Caption") for r in child_roles):
            self.findings.append(Finding("list-structure", f"{self._describe(element)} holds "
                                         f"{', '.join(sorted(set(child_roles) - {'LI', 'Caption'}))}, not LI",
                                         page))
        if role == "LI":
            if parent_role != "L":
                self.findings.append(Finding("list-structure", f"{self._describe(element)} is inside "
                                             f"{parent_role or 'the tree root'}, not L", page))
            if any(r not in ("Lbl", "LBody") for r in child_roles) or _has_content(kids):
                self.findings.append(Finding("list-structure", f"{self._describe(element)} holds something "
                                             "other than Lbl and LBody", page))
        if role in ("Lbl", "LBody") and parent_role != "LI":
            self.findings.append(Finding("list-structure", f"{self._describe(element)} is inside "
                                         f"{parent_role or 'the tree root'}, not LI", page))
        default_page = element.get("/Pg")
        for kid in kids:
            if _is_element(kid):
                self._visit(kid, role, seen)
            elif isinstance(kid, int):
                self._own(default_page, None, int(kid), element)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                self._own(kid.get("/Pg", default_page), kid.get("/Stm"), int(kid.get("/MCID", -1)), element)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                target = kid.get("/Obj")
                if target is not None:
                    self.objr.setdefault(target.objgen, []).append(element)

    def _own(self, page: Any, stream: Any, mcid: int, element: Any) -> None:
        holder = stream if isinstance(stream, pikepdf.Stream) else page
        if not isinstance(holder, pikepdf.Object):
            self.findings.append(Finding("mcid-missing", f"{self._describe(element)} references MCID {mcid} "
                                         "without a page (/Pg)", None))
            return
        self.owners.setdefault((holder.objgen, mcid), []).append(element)

    def _where(self, objgen: tuple[int, int]) -> tuple[str, int | None]:
        obj = self.streams.stream_obj.get(objgen)
        number = self.streams.stream_page.get(objgen, self.pages.get(objgen))
        if objgen in self.pages:
            return "the page", number
        return (f"form XObject (object {objgen[0]})" if obj is not None else f"object {objgen[0]}"), number

    def _headings(self) -> None:
        previous = 0
        for index, (level, element) in enumerate(self.headings):
            page = self._page_of(element)
            if index == 0 and level != 1:
                self.findings.append(Finding("heading-first", f"the first heading is H{level}, not H1", page))
            elif index > 0 and level > previous + 1:
                self.findings.append(Finding("heading-skip", f"H{level} (object {element.objgen[0]}) follows "
                                             f"H{previous}: heading level H{previous + 1} skipped", page))
            previous = level

    def _mcids(self) -> None:
        for objgen, used in self.streams.mcids.items():
            where, number = self._where(objgen)
            counted: dict[int, int] = {}
            for mcid in used:
                counted[mcid] = counted.get(mcid, 0) + 1
            for mcid, times in counted.items():
                owners = self.owners.get((objgen, mcid), [])
                if times > 1:
                    self.findings.append(Finding("mcid-duplicate", f"{where}: MCID {mcid} marks {times} "
                                                 "sequences", number))
                if not owners:
                    self.findings.append(Finding("mcid-unreferenced", f"{where}: MCID {mcid} belongs to no "
                                                 "structure element", number))
                elif len(owners) > 1:
                    self.findings.append(Finding("mcid-duplicate", f"{where}: MCID {mcid} is referenced by "
                                                 f"{len(owners)} elements", number))
        for (objgen, mcid), owners in self.owners.items():
            if mcid not in self.streams.mcids.get(objgen, ()):
                where, number = self._where(objgen)
                self.findings.append(Finding("mcid-missing", f"{self._describe(owners[0])} references MCID {mcid} "
                                             f"that {where} does not have", number))

    def _parent_tree(self) -> None:
        entries = _number_tree(self.tree.get("/ParentTree"))
        for objgen, used in self.streams.mcids.items():
            if not used:
                continue
            where, number = self._where(objgen)
            holder = self.streams.stream_obj[objgen]
            key = holder.get("/StructParents")
            if key is None:
                self.findings.append(Finding("parent-tree", f"{where} has MCIDs but no /StructParents", number))
                continue
            array = entries.get(int(key))
            if not isinstance(array, pikepdf.Array):
                self.findings.append(Finding("parent-tree", f"{where}: the parent tree has no array for its "
                                             f"/StructParents {int(key)}", number))
                continue
            for mcid in sorted(set(used)):
                entry = array[mcid] if mcid < len(array) else None
                if not isinstance(entry, pikepdf.Dictionary):
                    self.findings.append(Finding("parent-tree", f"{where}: MCID {mcid} has no parent-tree entry",
                                                 number))
                elif all(entry.objgen != owner.objgen for owner in self.owners.get((objgen, mcid), [])):
                    self.findings.append(Finding("parent-tree", f"{where}: the parent-tree entry of MCID {mcid} "
                                                 f"is {self._describe(entry)}, which does not reference it",
                                                 number))
            for mcid in range(len(array)):
                if mcid not in used and isinstance(array[mcid], pikepdf.Dictionary):
                    self.findings.append(Finding("parent-tree", f"{where}: parent-tree entry {mcid} points to an "
                                                 "MCID the stream does not have", number))

    def _links(self) -> None:
        entries = _number_tree(self.tree.get("/ParentTree"))
        for number, page in enumerate(self.pdf.pages, 1):
            for index, annot in enumerate(page.obj.get("/Annots") or []):
                if annot.get("/Subtype") != "/Link":
                    continue
                owners = [e for e in self.objr.get(annot.objgen, []) if self.role(e) == "Link"]
                key = annot.get("/StructParent")
                if not owners:
                    self.findings.append(Finding("link-objr", f"Link annotation #{index + 1} is not referenced by "
                                                 "an OBJR from a Link element", number))
                elif key is None or not isinstance(entries.get(int(key)), pikepdf.Dictionary) or \
                        entries[int(key)].objgen != owners[0].objgen:
                    self.findings.append(Finding("parent-tree", f"Link annotation #{index + 1}: /StructParent "
                                                 "does not lead to its Link element", number))
        owned = {id_ for elements in self.owners.values() for id_ in (e.objgen for e in elements)}
        for elements in self.objr.values():
            for element in elements:
                if self.role(element) == "Link" and element.objgen not in owned and \
                        not any(_is_element(k) and self._holds_content(k, owned) for k in _kids(element)):
                    self.findings.append(Finding("link-text", f"{self._describe(element)} holds its annotation "
                                                 "but none of the link's text (no marked content)",
                                                 self._page_of(element)))

    def _holds_content(self, element: Any, owned: set[tuple[int, int]]) -> bool:
        return element.objgen in owned or any(_is_element(k) and self._holds_content(k, owned)
                                              for k in _kids(element))


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj: Any) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj and obj.get("/Type") not in ("/MCR", "/OBJR")


def _has_content(kids: list[Any]) -> bool:
    """Marked content directly in an element (not in a child element)."""
    return any(isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR")
               for k in kids)


def _number_tree(node: Any, depth: int = 0) -> dict[int, Any]:
    """The entries of a number tree (/Nums, or /Kids of further nodes)."""
    out: dict[int, Any] = {}
    if not isinstance(node, pikepdf.Dictionary) or depth > 32:
        return out
    nums = node.get("/Nums")
    if isinstance(nums, pikepdf.Array):
        for i in range(0, len(nums) - 1, 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids") or []:
        out.update(_number_tree(kid, depth + 1))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Fonts


def _fonts(pdf: pikepdf.Pdf) -> list[Finding]:
    out: list[Finding] = []
    for font, number in _used_fonts(pdf):
        name = str(font.get("/BaseFont", "/?"))[1:]
        subtype = font.get("/Subtype")
        if subtype == "/Type3":
            continue   # glyphs drawn by content streams: nothing to embed
        descendant = font.DescendantFonts[0] if subtype == "/Type0" and "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor")
        program_key = next((k for k in ("/FontFile2", "/FontFile3", "/FontFile")
                            if isinstance(descriptor, pikepdf.Dictionary) and k in descriptor), None)
        if program_key is None:
            out.append(Finding("font-embedded", f"font {name} is not embedded", number))
        tounicode = font.get("/ToUnicode")
        if not isinstance(tounicode, pikepdf.Stream):
            out.append(Finding("font-tounicode", f"font {name} has no ToUnicode map", number))
        else:
            zeros = tounicode_zero_codes(tounicode.read_bytes())
            if zeros:
                out.append(Finding("tounicode-zero", f"font {name}: the ToUnicode map sends code(s) "
                                   f"{', '.join(zeros[:5])} to U+0000", number))
        if program_key is not None:
            out += _width_findings(font, descendant, descriptor[program_key], name, number)
    return out


def _used_fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[Any, int]]:
    """Each font dictionary in the resources of the pages and their form XObjects, once, with its first page."""
    seen: set[tuple[int, int]] = set()

    def walk(resources: Any, number: int, depth: int) -> Iterator[tuple[Any, int]]:
        if not isinstance(resources, pikepdf.Dictionary) or depth > 16:
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for _, font in fonts.items():
                if isinstance(font, pikepdf.Dictionary) and font.objgen not in seen:
                    seen.add(font.objgen)
                    yield font, number
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for _, xobject in xobjects.items():
                if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form" and \
                        xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    yield from walk(xobject.get("/Resources"), number, depth + 1)

    for number, page in enumerate(pdf.pages, 1):
        yield from walk(page.obj.get("/Resources"), number, 0)


_HEX = r"<([0-9A-Fa-f]*)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(_HEX + r"\s*" + _HEX)
_RANGE = re.compile(_HEX + r"\s*" + _HEX + r"\s*(?:" + _HEX + r"|\[([^\]]*)\])")


def tounicode_zero_codes(cmap: bytes) -> list[str]:
    """The source codes (hex) a ToUnicode CMap maps to U+0000."""
    text = cmap.decode("latin-1")
    zero = re.compile(r"^(00)+$")
    out: list[str] = []
    for block in _BFCHAR.findall(text):
        out += [src for src, dst in _PAIR.findall(block) if zero.match(dst)]
    for block in _BFRANGE.findall(text):
        for low, high, dst, array in _RANGE.findall(block):
            if dst and zero.match(dst):
                out.append(low)
            elif array:
                start = int(low, 16)
                out += [f"{start + i:0{len(low)}X}" for i, item in enumerate(re.findall(_HEX, array))
                        if zero.match(item)]
    return out


def _width_findings(font: Any, descendant: Any, program: Any, name: str, number: int) -> list[Finding]:
    """Compare the widths the PDF declares with the advances in the embedded font program."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        ttf = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        metrics = ttf["hmtx"].metrics
        scale = 1000.0 / ttf["head"].unitsPerEm
        order = ttf.getGlyphOrder()
    except (TTLibError, KeyError, AssertionError, struct.error, ValueError):
        return []   # a bare CFF or Type 1 program: its advances are not read here
    declared = _declared_widths(font, descendant)
    glyph_of = _glyph_mapper(font, descendant, ttf, order)
    mismatches: list[str] = []
    for code, width in declared:
        glyph = glyph_of(code)
        if glyph is None or glyph not in metrics:
            continue
        advance = metrics[glyph][0] * scale
        if abs(advance - width) > WIDTH_TOLERANCE:
            mismatches.append(f"code {code}: {width:g} declared, {advance:g} in the font")
    if not mismatches:
        return []
    return [Finding("font-widths", f"font {name}: {len(mismatches)} width(s) differ from the font program "
                                   f"({'; '.join(mismatches[:3])})", number)]


def _declared_widths(font: Any, descendant: Any) -> list[tuple[int, float]]:
    if descendant is not font:   # a CID font: /W is [c [w1 w2 ...]] or [c_first c_last w]
        out: list[tuple[int, float]] = []
        items = list(descendant.get("/W") or [])
        i = 0
        while i < len(items):
            first = int(items[i])
            if i + 1 < len(items) and isinstance(items[i + 1], pikepdf.Array):
                out += [(first + j, float(w)) for j, w in enumerate(items[i + 1])]
                i += 2
            elif i + 2 < len(items):
                out += [(c, float(items[i + 2])) for c in range(first, int(items[i + 1]) + 1)]
                i += 3
            else:
                break
        return out
    first = int(font.get("/FirstChar", 0))
    return [(first + i, float(w)) for i, w in enumerate(font.get("/Widths") or [])]


def _glyph_mapper(font: Any, descendant: Any, ttf: Any, order: list[str]):
    """code -> glyph name, as a viewer would pick the glyph for a code of this font."""
    if descendant is not font:
        gid_map = descendant.get("/CIDToGIDMap")
        table = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None

        def by_cid(cid: int) -> str | None:
            gid = cid if table is None else (int.from_bytes(table[2 * cid:2 * cid + 2], "big")
                                             if 2 * cid + 1 < len(table) else None)
            return order[gid] if gid is not None and gid < len(order) else None
        return by_cid
    cmap: dict[int, str] = {}
    symbolic = False
    if "cmap" in ttf:
        for sub in ttf["cmap"].tables:
            if (sub.platformID, sub.platEncID) == (3, 0):
                cmap, symbolic = dict(sub.cmap), True
                break
            if (sub.platformID, sub.platEncID) == (1, 0):
                cmap = dict(sub.cmap)

    def by_code(code: int) -> str | None:
        if symbolic:
            return cmap.get(0xF000 + code, cmap.get(code))
        return cmap.get(code)
    return by_code
