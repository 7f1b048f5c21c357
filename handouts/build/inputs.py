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

from handouts.diskcache import tool_fingerprint

if TYPE_CHECKING:
    from handouts.build.plan import BuildOptions, Job

__all__ = ["FileHashes", "file_digest", "input_hash", "tool_fingerprint"]


class FileHashes:
    """The hashes of the input files of one run (one plan, one build), each file read once.

    Documents share most of their inputs (the topic, the language entry, the layout, fonts.yaml): hashing per
    document read the same files again for every document of a large matrix. Per run, not per process, so that a
    long-running process (`handouts serve`, a test session) sees a file edited between two runs.
    """

    def __init__(self) -> None:
        self._digests: dict[Path, str] = {}
        self.reads = 0   # how many files were actually read: what `--dry-run` planning is measured by

    def digest(self, path: Path) -> str:
        cached = self._digests.get(path)
        if cached is None:
            cached = self._digests[path] = self._read(path)
        return cached

    def _read(self, path: Path) -> str:
        if not path.exists():
            return "absent"
        if not path.is_file():   # a directory where a file should be: reading the document reports it
            return "not a file"
        self.reads += 1
        return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """One file's hash, read now (no cache)."""
    return FileHashes().digest(path)


@lru_cache(maxsize=None)
def _fonts_fingerprint(layouts_dir: Path) -> str:
    """Font files are large: the families' definitions and the installed version of each font package identify
    them well enough (the same on every machine, so shards built on different runners share one plan)."""
    from handouts.text.fonts import FontLibrary

    library = FontLibrary(layouts_dir)
    digest = hashlib.sha256()
    for name in library.names():
        spec = library._defs[name]
        digest.update(repr(spec).encode())
        if spec.package:
            digest.update(_package_version(spec.package).encode())
    return digest.hexdigest()


def _package_version(package: str) -> str:
    """An installed package's version, from the name of its .dist-info folder: what importlib.metadata reads,
    without importing it (and the email parser it imports: 10 ms of a cold build)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return "absent"
    if spec is None or not spec.origin:
        return "absent"
    prefix = f"{package.replace('-', '_')}-".lower()
    try:
        found = sorted(name[len(prefix):-len(".dist-info")] for name in os.listdir(Path(spec.origin).parents[1])
                       if name.lower().startswith(prefix) and name.endswith(".dist-info"))
    except OSError:
        found = []
    return found[-1] if found else "unknown"


def input_hash(job: "Job", options: "BuildOptions", hashes: FileHashes | None = None) -> str:
    """The hash of everything `job` is made from; pass one `FileHashes` for all jobs of a run."""
    digest_of = (hashes or FileHashes()).digest
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
        digest.update(digest_of(path).encode())
    digest.update(_fonts_fingerprint(layouts).encode())
    if options.clinic is not None:
        digest.update(repr(options.clinic).encode())
        if options.clinic.logo is not None:
            digest.update(digest_of(Path(options.clinic.logo)).encode())
    digest.update(f"grayscale={options.grayscale} bleed={options.bleed}".encode())
    if options.fhir:   # the record is part of the output: a build with it is another plan than one without
        digest.update(b"fhir")
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(tool_fingerprint().encode())
    return digest.hexdigest()
