"""Build the matrix of documents: render what the plan (handouts.build.plan) asks for, write files atomically,
record a manifest.

Each job is independent, so jobs can run in worker processes. Every output is written to a temporary file and renamed, so a
failed or interrupted build never leaves a half-written PDF or a manifest that names a missing file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from handouts import __version__
from handouts.build.plan import BuildOptions, Job, plan
from handouts.config.layouts import layout_names, load_layout
from handouts.content.languages import load_language
from handouts.content.reader import read_document, read_topic
from handouts.errors import HandoutsError, UsageError

MANIFEST = "manifest.json"

if TYPE_CHECKING:
    from handouts.config.personal import PersonalCopy


@dataclass
class BuildReport:
    built: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"built": self.built, "skipped": [e["path"] for e in self.skipped], "failed": self.failed,
                "stale": self.stale, "pruned": self.pruned, "ok": self.ok}

    @property
    def ok(self) -> bool:
        return not self.failed


# Worker state: each process loads fonts, layouts and content once and reuses them for all its jobs.
_STATE: dict[object, object] = {}


def _cached(loader: Callable, directory: Path, name: str, source: Path):
    """A worker renders many documents from the same topic, language and layout files: parse each once, and
    again only if the file changed."""
    try:
        stamp = source.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    key = (loader.__name__, directory, name)
    hit = _STATE.get(key)
    if isinstance(hit, tuple) and hit[0] == stamp:
        return hit[1]
    value = loader(directory, name)
    _STATE[key] = (stamp, value)  # type: ignore[assignment]
    return value


def _render_job(job: Job, options: BuildOptions, personal: "PersonalCopy | None" = None) -> tuple[bytes, int]:
    """One document of the matrix (or the one personalised copy), read and rendered with per-process caches."""
    from handouts.text.fonts import FontLibrary
    from handouts.writers import render
    from handouts.document import template_context

    fonts = _STATE.get("fonts")
    if fonts is None or _STATE.get("layouts_dir") != options.layouts_dir:
        fonts = _STATE["fonts"] = FontLibrary(options.layouts_dir)
        _STATE["layouts_dir"] = options.layouts_dir
    topic = _cached(read_topic, options.content_dir, job.topic, options.content_dir / job.topic / "topic.yaml")
    language = _cached(load_language, options.content_dir, job.lang,
                       options.content_dir / "languages" / f"{job.lang}.yaml")
    layout = _cached(load_layout, options.layouts_dir, job.layout, options.layouts_dir / f"{job.layout}.yaml")
    layout = layout.for_print(grayscale=options.grayscale, bleed=options.bleed)
    document = read_document(topic, job.lang, job.level, template_context(topic, language, options.clinic))
    rendered = render(document, language, layout, job.paper, fonts, options.clinic, personal,  # type: ignore[arg-type]
                      fmt=job.format)
    return rendered.data, rendered.pages


def _safe_render(job: Job, options: BuildOptions) -> tuple[Job, bytes | None, int, str | None]:
    try:
        data, pages = _render_job(job, options)
        return job, data, pages, None
    except HandoutsError as exc:
        return job, None, 0, exc.format_message()
    except Exception as exc:  # a bug, not bad input: still report it per document, with its type
        return job, None, 0, f"internal error {type(exc).__name__}: {exc}"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same directory, then rename: readers see all or nothing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise HandoutsError(f"cannot write: {exc.strerror}", path=path,
                            hint="check the output directory's permissions or choose another with --out") from None
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise HandoutsError(f"cannot write: {exc.strerror}", path=path,
                                hint="free some disk space or choose another directory with --out") from None
        raise


def run_jobs(jobs: list[Job], options: BuildOptions) -> Iterator[tuple[Job, bytes | None, int, str | None]]:
    if options.jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _safe_render(job, options)
        return
    with ProcessPoolExecutor(max_workers=min(options.jobs, len(jobs))) as pool:
        yield from pool.map(_safe_render, jobs, [options] * len(jobs), chunksize=1)


def build(options: BuildOptions, *, progress: Callable[[Job], None] | None = None, fail_fast: bool = False,
          force: bool = False, prune: bool = False, jobs: list[Job] | None = None) -> BuildReport:
    """Build what changed. The manifest is rewritten even when the build fails or is interrupted, and it only
    ever names files that exist with the recorded hash."""
    from handouts.build.inputs import input_hash

    jobs = plan(options) if jobs is None else jobs
    _check_writable(options.out_dir)
    report = BuildReport()
    manifest = _read_manifest(options.out_dir)
    todo: list[Job] = []
    hashes: dict[Job, str] = {}
    for job in jobs:
        hashes[job] = input_hash(job, options)
        previous = manifest.get(job.relpath)
        if not force and previous and previous.get("input_hash") == hashes[job] and _intact(options.out_dir, previous):
            report.skipped.append(previous)
            if progress:
                progress(job)
        else:
            todo.append(job)
    try:
        for job, data, pages, error in run_jobs(todo, options):
            if progress:
                progress(job)
            if error is not None:
                report.failed.append({"path": job.relpath, "error": error, **asdict(job)})
                if fail_fast:
                    break
                continue
            assert data is not None
            atomic_write(options.out_dir / job.relpath, data)
            entry = {"path": job.relpath, **asdict(job), "pages": pages, "bytes": len(data),
                     "sha256": hashlib.sha256(data).hexdigest(), "input_hash": hashes[job]}
            manifest[job.relpath] = entry
            report.built.append(entry)
    finally:
        report.stale = stale_outputs(options, manifest)
        if prune:
            for relpath in report.stale:
                (options.out_dir / relpath).unlink(missing_ok=True)
                manifest.pop(relpath, None)
            report.pruned = list(report.stale)
        write_manifest(options.out_dir, manifest)
    return report


def _intact(out_dir: Path, entry: dict) -> bool:
    path = out_dir / str(entry.get("path", ""))
    try:
        return path.stat().st_size == entry.get("bytes") and \
            hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
    except FileNotFoundError:
        return False


def stale_outputs(options: BuildOptions, manifest: dict[str, dict]) -> list[str]:
    """Outputs in the manifest whose document no longer exists in the content or layouts."""
    full = BuildOptions(content_dir=options.content_dir, layouts_dir=options.layouts_dir, out_dir=options.out_dir,
                        layouts=tuple(layout_names(options.layouts_dir)), formats=("pdf", "html"))
    try:
        possible = {job.relpath for job in plan(full)}
    except HandoutsError:
        return []
    return sorted(path for path in manifest if path not in possible)


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandoutsError(f"cannot create the output directory: {exc.strerror}", path=out_dir,
                            hint="choose another directory with --out") from None
    if not os.access(out_dir, os.W_OK):
        raise HandoutsError("the output directory is not writable", path=out_dir,
                            hint="choose another directory with --out or fix its permissions")


def _read_manifest(out_dir: Path) -> dict[str, dict]:
    """Entries of earlier builds stay while their files exist, so partial builds keep a complete manifest."""
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    entries = {}
    for entry in data.get("documents", []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and (out_dir / str(entry.get("path", ""))).is_file():
            entries[entry["path"]] = entry
    return entries


def write_manifest(out_dir: Path, entries: dict[str, dict]) -> None:
    manifest = {"generator": f"handouts {__version__}",
                "documents": [entries[key] for key in sorted(entries)]}
    atomic_write(out_dir / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())


def build_personal(options: BuildOptions, personal: "PersonalCopy", *, password: str | None = None) -> Path:
    """One copy for one patient. Not recorded in the manifest and never named in output: the file name carries
    only a slug of the patient's name, for the clinician to find it."""
    from handouts.config.personal import slug

    jobs = plan(options)
    if not options.papers:
        first_paper = jobs[0].paper if jobs else None
        jobs = [job for job in jobs if job.paper == first_paper]
    if len(jobs) != 1:
        raise UsageError(f"a personalised copy is one document, but the options select {len(jobs)}; "
                         "give one --topic, one --lang, one --level and at most one --layout and --paper")
    (job,) = jobs
    _check_writable(options.out_dir)
    data, _ = _render_job(job, options, personal)
    if password:
        from handouts.post.encryption import encrypt_pdf

        data = encrypt_pdf(data, password)
    path = options.out_dir / f"{Path(job.relpath).stem}_{slug(personal.patient)}.pdf"
    atomic_write(path, data)
    return path
