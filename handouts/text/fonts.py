"""Fonts: find them, make them usable by reportlab, and pick one for every character.

reportlab embeds TrueType outlines only and has no per-glyph fallback, so this is the one place that:
- resolves the families named in layouts/fonts.yaml to files from installed font packages (or files shipped with
  handouts), never to fonts that happen to be on the machine;
- turns variable fonts into static instances with fontTools' instancer (cached on disk, keyed by a hash of the
  source file and axes, so the cost is paid once per machine);
- keeps what it reads of a font file to choose faces (its character map, a variable font's default axes) and the
  validated fonts.yaml in the disk cache (handouts.diskcache), so a cold process imports neither fontTools nor
  the schemas when nothing changed;
- registers each face with reportlab once per process, when a document first needs it (parsed once per machine:
  handouts.text.fontkeep);
- splits text into runs, each drawn by the first font in the language's chain that has the characters, and
  refuses a character that no font has, naming it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from handouts.diskcache import cache_dir, remembered
from handouts.errors import FontError

STYLES = ("regular", "bold", "italic", "bolditalic")
_SHIPPED = Path(__file__).resolve().parents[1] / "fonts"

# Characters that carry no ink: any font "has" them for our purposes, and they must not split runs.
_INVISIBLE = {0x20, 0xA0, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x0A, 0x09, 0xAD,
              0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


__all__ = ["Face", "Family", "FontChain", "FontLibrary", "cache_dir", "coverage", "font_chain", "make_instance"]


@dataclass(frozen=True)
class FaceSpec:
    """One face as fonts.yaml names it (the schema's FaceEntry, as plain data the disk cache keeps)."""

    file: str
    axes: dict[str, float] | None = None
    embolden: bool = False


@dataclass(frozen=True)
class FamilySpec:
    """One family of fonts.yaml (the schema's FontFamily as plain data)."""

    package: str | None
    regular: FaceSpec
    bold: FaceSpec | None = None
    italic: FaceSpec | None = None
    bolditalic: FaceSpec | None = None


def _font_definitions(path: Path) -> dict[str, FamilySpec]:
    """fonts.yaml, validated by its schema; kept in the disk cache by its text, so a cold process does not import
    the YAML parser and the schemas to read an unchanged file."""
    from handouts.content.reader import SCHEMA_LIBRARIES, read_text

    text = read_text(path)
    return remembered("fonts-yaml", [str(path), text], lambda: _parse_definitions(text, path),
                      libraries=SCHEMA_LIBRARIES)


def _parse_definitions(text: str, path: Path) -> dict[str, FamilySpec]:
    from handouts.config.schema import FontsFile
    from handouts.content.reader import parse_yaml
    from handouts.content.schema import validate

    families = validate(FontsFile, parse_yaml(text, path=path), path=path, error=FontError).root

    def face(entry) -> FaceSpec | None:
        return None if entry is None else FaceSpec(entry.file, dict(entry.axes) if entry.axes else None,
                                                   entry.embolden)

    return {name: FamilySpec(family.package, face(family.regular), face(family.bold),  # type: ignore[arg-type]
                             face(family.italic), face(family.bolditalic))
            for name, family in families.items()}


@dataclass(frozen=True)
class Face:
    family: str
    style: str
    path: Path
    embolden: bool = False   # no real bold exists: draw the regular outlines with a stroke (see shaping.draw_run)

    @property
    def name(self) -> str:
        """The name registered with reportlab."""
        return self.family if self.style == "regular" else f"{self.family}-{self.style}"


def _package_root(package: str, family: str, defs_path: Path) -> Path:
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise FontError(f"font family '{family}' needs the Python package '{package}', which is not installed",
                        path=defs_path, hint=f"pip install {package.replace('_', '-')}") from None
    return Path(module.__file__).resolve().parent  # type: ignore[arg-type]


def _instance(source: Path, axes: Mapping[str, float]) -> Path:
    """A static instance of a variable font, made once and cached.

    At the font's default axis values the file itself will do: its plain outlines (glyf) are the default
    instance, which is all reportlab and HarfBuzz read when no variation is asked for. Instancing a large font
    takes seconds, so this halves the first build on a new machine.

    The instance keeps the source's `head` dates: reportlab copies the `head` table into every PDF it embeds the
    face in, so an instance stamped with the time it was made gave each new machine (each fresh CI runner) other
    PDF bytes from the same inputs. It is made in place (fontTools otherwise first deep-copies the whole font:
    a sixth of the time, for the same bytes)."""
    target = _instance_target(source, axes)
    if target == source or target.is_file():
        return target
    from fontTools.ttLib import TTFont as FTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    static = FTFont(str(source), recalcTimestamp=False)
    instantiateVariableFont(static, dict(axes), updateFontNames=False, inplace=True)
    _name_instance(static, axes)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    static.save(str(tmp))
    os.replace(tmp, target)
    return target


def make_instance(source: Path, axes: Mapping[str, float]) -> Path:
    """The cached static instance of `source` at `axes`, made now if it is not there yet."""
    return _instance(source, axes)


def _instance_target(source: Path, axes: Mapping[str, float]) -> Path:
    """Where the instance of `source` at `axes` is cached (the source itself at its default axes): named by a
    hash of the source's bytes and the axes, worked out once per version of the file (_file_identity)."""
    if _is_default_instance(source, axes):
        return source

    def name() -> str:
        digest = _file_digest(source, _file_identity(source)).copy()
        digest.update(repr(sorted(axes.items())).encode())
        digest.update(b"named-instances-v3")  # bump when the way instances are made changes (v3: no timestamp)
        return f"{source.stem.split('[')[0]}-{digest.hexdigest()[:16]}.ttf"

    return cache_dir() / "fonts" / remembered("font-instance-name", [_file_identity(source),
                                                                     repr(sorted(axes.items()))], name)


@lru_cache(maxsize=None)
def _file_digest(path: Path, identity: str) -> Any:
    """A font file's hash object, once per process and version of the file (`identity`, from _file_identity: a
    variable font has several faces; callers copy it before adding to it)."""
    return hashlib.sha256(path.read_bytes())


def _file_identity(path: Path) -> str:
    """One version of a file, without reading it: its path, and the size, device, inode and modification and
    change times of the file it leads to. A write to the file gives it a new change time (which, unlike the
    modification time, cannot be set back), so what the disk cache keeps under this identity is never that of
    other bytes; a copy or a reinstall is only read once more. The device and inode name the file wherever the
    path leads, so the path is not resolved (Path.resolve looks at every folder on the way: 0.1 ms, twenty
    times in a cold build; the families' paths are resolved once, _package_root)."""
    stat = os.stat(path)
    return f"{path}\0{stat.st_size}\0{stat.st_ino}\0{stat.st_dev}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}"


def _font_key(path: Path) -> str:
    """The hash of a font file's bytes: what the disk cache keys what it keeps of the file by. Reading and hashing
    them (4 MB for a variable Noto Sans and its italic) took a cold build several milliseconds, so the hash is
    itself kept on disk under the file's identity (and once per process and identity)."""
    return _kept_digest(path, _file_identity(path))


def font_file_key(path: Path) -> str:
    """The hash of a font file's bytes, for what another module keeps on disk made with the font (a figure's
    labels are placed by its metrics): _font_key."""
    return _font_key(path)


@lru_cache(maxsize=None)
def _kept_digest(path: Path, identity: str) -> str:
    return remembered("font-digest", [identity], lambda: _file_digest(path, identity).hexdigest())


@lru_cache(maxsize=None)
def _default_axes(source: Path) -> tuple[tuple[str, float], ...]:
    def read() -> tuple[tuple[str, float], ...]:
        from fontTools.ttLib import TTFont as FTFont

        font = FTFont(str(source), lazy=True)
        return tuple(sorted((axis.axisTag, float(axis.defaultValue)) for axis in font["fvar"].axes)) \
            if "fvar" in font else ()

    return remembered("font-axes", [_font_key(source)], read, libraries=("fontTools",))


def _is_default_instance(source: Path, axes: Mapping[str, float]) -> bool:
    defaults = dict(_default_axes(source))
    return bool(defaults) and all(defaults.get(tag) == float(value) for tag, value in axes.items())


def _name_instance(font: Any, axes: Mapping[str, float]) -> None:
    """Every instance of a variable font keeps the default instance's PostScript name, so a bold and a regular
    instance would be embedded under one name and viewers would draw both with one of them. Give each instance
    a name of its own (family name, weight and width)."""
    name_table = font["name"]
    family = (name_table.getDebugName(16) or name_table.getDebugName(1) or "Font").replace(" ", "")
    suffix = "-".join(f"{tag}{int(round(value))}" for tag, value in sorted(axes.items()))
    postscript = f"{family}-{suffix}"[:63]
    for record in list(name_table.names):
        if record.nameID in (3, 4, 6):
            name_table.setName(postscript if record.nameID != 4 else postscript.replace("-", " "),
                               record.nameID, record.platformID, record.platEncID, record.langID)


def _resolve_face(family: str, style: str, spec: FaceSpec, root: Path, defs_path: Path) -> Face:
    path = root / spec.file
    if not path.is_file():
        raise FontError(f"family '{family}': font file {path} not found", path=defs_path,
                        hint="reinstall the font package or fix the file name")
    try:
        coverage(path)   # parses the font's header and character map: a file that is no font stops here
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds of error for a file that is not a font
        raise FontError(f"family '{family}', style '{style}': {path.name} is not a TrueType or OpenType font "
                        f"({type(exc).__name__})", path=defs_path, hint="name a .ttf or .otf file") from None
    if spec.axes:
        path = _instance(path, {str(k): float(v) for k, v in spec.axes.items()})
    face = Face(family, style, path, spec.embolden)
    if face.embolden:
        EMBOLDENED.add(face.name)
    return face


@dataclass(frozen=True)
class Family:
    name: str
    faces: dict[str, Face]

    def __hash__(self) -> int:   # faces is a dict: hash by what identifies the family (figures cache on it)
        return hash((self.name, tuple(sorted((style, face.name) for style, face in self.faces.items()))))

    def face(self, style: str) -> Face:
        return self.faces.get(style) or self.faces.get("bold" if "bold" in style else "regular") \
            or self.faces["regular"]


class FontLibrary:
    """The families of one layouts tree, registered with reportlab on first use."""

    def __init__(self, layouts_dir: Path) -> None:
        self.defs_path = layouts_dir / "fonts.yaml"
        self._defs: dict[str, FamilySpec] = _font_definitions(self.defs_path)
        self._families: dict[str, Family] = {}

    def names(self) -> list[str]:
        return sorted(self._defs)

    def pending_instances(self, name: str) -> list[tuple[Path, dict[str, float]]]:
        """The static instances of variable fonts that loading family `name` would first have to make (seconds
        each, once per machine): a build says so before it waits, and makes them side by side (make_instance)."""
        spec = self._defs.get(name)
        if name in self._families or spec is None:
            return []
        root = _package_root(spec.package, name, self.defs_path) if spec.package else _SHIPPED
        pending = []
        for style in STYLES:
            face = getattr(spec, style)
            if face is not None and face.axes and (root / face.file).is_file():
                axes = {str(k): float(v) for k, v in face.axes.items()}
                if not _instance_target(root / face.file, axes).is_file():
                    pending.append((root / face.file, axes))
        return pending

    def family(self, name: str, *, register: bool = True) -> Family:
        """The family, its faces resolved (and instanced) and, unless `register` is false, registered with
        reportlab. A language's fallback families are registered when a character first needs them
        (FontChain.family_for): reportlab parses a large variable font in tens of milliseconds, and most
        documents never draw a character their body font lacks."""
        if name in self._families:
            family = self._families[name]
            if register:
                _ensure_registered(family)
            return family
        if name not in self._defs:
            from handouts.suggest import closest

            raise FontError(f"unknown font family '{name}'{closest(name, self._defs)}", path=self.defs_path,
                            hint="define it in fonts.yaml or fix the language entry")
        spec = self._defs[name]
        root = _package_root(spec.package, name, self.defs_path) if spec.package else _SHIPPED
        faces = {style: _resolve_face(name, style, face, root, self.defs_path)
                 for style in STYLES if (face := getattr(spec, style)) is not None}
        family = Family(name, faces)
        if register:
            _ensure_registered(family)
        self._families[name] = family
        return family


_REGISTERED: set[Family] = set()


def _ensure_registered(family: Family) -> None:
    if family not in _REGISTERED:
        _register(family)
        _REGISTERED.add(family)


def _register(family: Family) -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    for face in family.faces.values():
        _register_face(face.name, str(face.path))
    names = {style: family.face(style).name for style in STYLES}
    # Bold text in a fallback run asks reportlab for <b> of the face name, not the family name: every face name
    # maps to the family's four styles. The family's own mappings come last, since the last one given for a face
    # is what it reads back as (reportlab's ps2tt): the family in the face's own weight and slant, and a face that
    # stands in for a missing one (no italic: the regular face) as the plainer style. Read back as italic, it
    # turned an Arabic paragraph's "MRI" italic once a fallback run kept the weight and slant around it
    # (handouts.pdf.paragraph._Parser).
    for face_name in [*names.values(), family.name]:
        for style in ("bolditalic", "italic", "bold", "regular"):
            addMapping(face_name, "bold" in style, "italic" in style, names[style])
    del pdfmetrics  # imported for its side effect of being loaded once


# Faces registered with synthetic bold (a font with no bold, the CJK face, still needs bold for red-flag
# headings): a fact of the face, like reportlab's own registry of names, the same whichever language drew last.
EMBOLDENED: set[str] = set()


@lru_cache(maxsize=None)
def _register_face(name: str, path: str) -> None:
    """Each font file is registered once per process, however many documents use it, and parsed once per
    machine and version of the file (text.fontkeep keeps the parsed face on disk)."""
    from reportlab.pdfbase import pdfmetrics

    from handouts.text.fontkeep import tt_font

    if name in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(tt_font(name, path, _font_key(Path(path))))


@lru_cache(maxsize=None)
def _plain_for(path: Path) -> frozenset[str]:
    """Characters this face draws as themselves with no run decisions to make: covered, visible, not marks."""
    chars = set()
    for code in coverage(path):
        char = chr(code)
        if code not in _INVISIBLE and unicodedata.category(char) != "Cf" and not unicodedata.combining(char):
            chars.add(char)
    return frozenset(chars | {" ", "\n", "\t"})


@lru_cache(maxsize=None)
def coverage(path: Path) -> frozenset[int]:
    """The code points the font maps to glyphs. A file that is not a font raises (fontTools' error): it is read
    again each time, only what a real font maps is kept on disk."""
    def read() -> frozenset[int]:
        from fontTools.ttLib import TTFont as FTFont

        font = FTFont(str(path), lazy=True)
        return frozenset(font.getBestCmap() or {})

    return remembered("font-cmap", [_font_key(path)], read, libraries=("fontTools",))


@dataclass(frozen=True)
class FontChain:
    """The body family of a language followed by its fallbacks, in order of preference."""

    families: tuple[Family, ...]
    lang: str = ""

    @property
    def primary(self) -> Family:
        return self.families[0]

    def face_named(self, name: str) -> Face | None:
        """The face of this chain registered as `name` (figure labels know the face name they were given)."""
        return next((face for family in self.families for face in family.faces.values() if face.name == name),
                    None)

    def family_for(self, char: str, *, where: str = "") -> Family:
        code = ord(char)
        for family in self.families:
            if code in _INVISIBLE or code in coverage(family.face("regular").path):
                _ensure_registered(family)   # a fallback is registered when first needed (FontLibrary.family)
                return family
        name = unicodedata.name(char, "unnamed character")
        raise FontError(f"no configured font can draw {char!r} (U+{code:04X} {name}) in language "
                        f"'{self.lang}'{' in ' + where if where else ''}",
                        hint="remove the character or add a fallback font family to the language entry")

    @property
    def right_to_left(self) -> bool:
        """Whether the body font is made for a right-to-left script (its paragraphs then do their own bidi)."""
        return any(code in coverage(self.primary.face("regular").path) for code in (0x0627, 0x05D0))

    def runs(self, text: str, *, where: str = "") -> list[tuple[Family, str]]:
        """Split text into (family, text) runs; spaces and marks stay with the run around them.

        An invisible format character (direction mark, zero-width joiner, soft hyphen) that the run's font
        lacks would be drawn as the font's missing-glyph box. Left-to-right text does no bidi, so there such a
        character is dropped; right-to-left paragraphs keep them for their bidi step, which consumes them.
        """
        if _plain_for(self.primary.face("regular").path).issuperset(text):
            return [(self.primary, text)] if text else []   # the common case: the body font has it all
        result: list[tuple[Family, str]] = []
        drop_uncovered = not self.right_to_left
        chosen: dict[str, Family] = {}   # family_for of each character: a paragraph asks again for every letter
        for char in text:
            if drop_uncovered and char not in " \n\t" and (ord(char) in _INVISIBLE
                                                          or unicodedata.category(char) == "Cf"):
                current = result[-1][0] if result else self.primary
                if ord(char) not in coverage(current.face("regular").path):
                    continue
            if result and (ord(char) in _INVISIBLE or unicodedata.combining(char)):
                family = result[-1][0]
                if ord(char) not in _INVISIBLE and ord(char) not in coverage(family.face("regular").path):
                    family = self.family_for(char, where=where)
            else:
                family = chosen.get(char)
                if family is None:
                    family = chosen[char] = self.family_for(char, where=where)
            if result and result[-1][0] is family:
                result[-1] = (family, result[-1][1] + char)
            else:
                result.append((family, char))
        return result


def font_chain(library: FontLibrary, body: str, fallback: list[str], lang: str) -> FontChain:
    return FontChain(tuple(library.family(name, register=index == 0) for index, name in enumerate([body, *fallback])),
                     lang)
