"""What a document is made from, as one hash, so that a build can skip documents whose inputs are unchanged.

The inputs are the files read for the document (content, figures, topic, language entry, layout, font
definitions), the font files those name, the clinic profile and its logo, SOURCE_DATE_EPOCH, and the tool
itself (its version and the hash of its own source files, so that a code change during development also
rebuilds).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from handouts import __version__

if TYPE_CHECKING:
    from handouts.build.plan import BuildOptions, Job

_PACKAGE = Path(__file__).resolve().parents[1]  # the whole handouts package: any code change is an input


@lru_cache(maxsize=None)
def tool_fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=256)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "absent"
    if not path.is_file():   # a directory where a file should be: reading the document reports it
        return "not a file"
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=None)
def _fonts_fingerprint(layouts_dir: Path) -> str:
    """Font files are large; their names and sizes identify a font package release well enough."""
    from handouts.text.fonts import FontLibrary

    library = FontLibrary(layouts_dir)
    digest = hashlib.sha256()
    for name in library.names():
        spec = library._defs[name]
        digest.update(repr(spec).encode())
        package = spec.get("package") if isinstance(spec, dict) else None
        if package:
            try:
                from importlib.metadata import version

                digest.update(version(str(package).replace("_", "-")).encode())
            except Exception:
                digest.update(b"unknown")
    return digest.hexdigest()


def input_hash(job: "Job", options: "BuildOptions") -> str:
    content, layouts = options.content_dir, options.layouts_dir
    files = [
        content / job.topic / "topic.yaml",
        content / job.topic / job.lang / f"{job.level}.md",
        content / job.topic / job.lang / "figures.yaml",
        content / "languages" / f"{job.lang}.yaml",
        layouts / f"{job.layout}.yaml",
        layouts / "fonts.yaml",
    ]
    digest = hashlib.sha256()
    digest.update(repr(asdict(job)).encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(file_digest(path).encode())
    digest.update(_fonts_fingerprint(layouts).encode())
    if options.clinic is not None:
        digest.update(repr(options.clinic).encode())
        if options.clinic.logo is not None:
            digest.update(file_digest(Path(options.clinic.logo)).encode())
    digest.update(f"grayscale={options.grayscale} bleed={options.bleed}".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(tool_fingerprint().encode())
    return digest.hexdigest()
