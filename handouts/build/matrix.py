"""Build the matrix of documents: render what the plan (handouts.build.plan) asks for, write files atomically,
record a manifest.

Each job is independent, so jobs can run in worker processes. Every output is written to a temporary file and
renamed, so a failed or interrupted build never leaves a half-written PDF.

The manifest is the one thing a pipeline trusts, so it must match the files after any kind of stop, `kill -9`
included, and after builds that overlap:
- a build holds the output directory's lock (`locking.py`) from reading the manifest to writing it last, so a
  second build waits and then merges its documents into what the first left;
- the manifest is rewritten atomically after every document, and an entry is dropped (and the manifest
  rewritten) before its file is replaced, so at any instant every entry names a file with the recorded hash;
- on reading, every entry's hash is checked against its file; one that does not match is dropped and rebuilt;
- every path in it must stay inside the output directory (`confine.py`), so `--prune` deletes nothing else;
- worker processes die with the build (PR_SET_PDEATHSIG) and the pool is stopped on any exception.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from handouts import __version__
from handouts.build.fhir_output import (RECORDED_FORMATS, leaflet_record, record_entry, record_intact, record_path,
                                        remove_record)
from handouts.build.locking import output_lock
from handouts.build.plan import BuildOptions, Job, plan
from handouts.confine import confined
from handouts.config.layouts import layout_names, load_layout
from handouts.content.exercises import EXERCISES_ONLY, exercises_document
from handouts.content.languages import load_language
from handouts.content.reader import read_document, read_topic, topic_file
from handouts.errors import HandoutsError, UsageError
from handouts.interrupts import signals_held
from handouts.writers import writer_for

MANIFEST = "manifest.json"
OUTPUT_SUFFIXES = (".pdf", ".html")  # all a manifest entry may name, so --prune never removes anything else
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from handouts.config.exercise_plan import ResolvedPlan
    from handouts.content.languages import Language
    from handouts.content.model import Document
    from handouts.config.personal import PersonalCopy
    from handouts.build.shard import Shard


@dataclass
class BuildReport:
    built: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"built": self.built, "skipped": [e["path"] for e in self.skipped], "failed": self.failed,
                "stale": self.stale, "pruned": self.pruned, "warnings": self.warnings, "ok": self.ok}

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


def _fonts(options: BuildOptions):
    """This process's font library for the layouts tree: each face loaded once per process."""
    from handouts.text.fonts import FontLibrary

    fonts = _STATE.get("fonts")
    if fonts is None or _STATE.get("layouts_dir") != options.layouts_dir:
        fonts = _STATE["fonts"] = FontLibrary(options.layouts_dir)
        _STATE["layouts_dir"] = options.layouts_dir
    return fonts


_DOCUMENTS_KEPT = 8   # a document's papers (and formats) follow one another: a few are enough, memory stays flat


def _document(topic, job: Job, context: dict):
    """The document's model, read and templated once per process for all its papers and formats. Keyed by the
    bytes of every file it is read from and by the template values, so a changed file is read again."""
    digest = hashlib.sha256(json.dumps(context, sort_keys=True, default=str).encode())
    for path in (topic.path / "topic.yaml", topic_file(topic, job.lang, f"{job.level}.md"),
                 topic_file(topic, job.lang, "figures.yaml")):
        try:
            digest.update(path.read_bytes())
        except OSError:   # missing: read_document says so, once per attempt
            return read_document(topic, job.lang, job.level, context)
        digest.update(b"\0")
    key = ("document", topic.path, job.lang, job.level, digest.hexdigest())
    documents: dict = _STATE.setdefault("documents", {})  # type: ignore[assignment]
    if key not in documents:
        while len(documents) >= _DOCUMENTS_KEPT:
            documents.pop(next(iter(documents)))
        documents[key] = read_document(topic, job.lang, job.level, context)
    return documents[key]


def job_document(job: Job, options: BuildOptions, personal: "PersonalCopy | None" = None
                 ) -> tuple["Document", "Language"]:
    """The document a job is made from and its language, read with per-process caches (the renderer and the FHIR
    record read the same one, so their title, status and language cannot differ)."""
    from handouts.document import template_context

    language = _cached(load_language, options.content_dir, job.lang,
                       options.content_dir / "languages" / f"{job.lang}.yaml")
    if job.topic == EXERCISES_ONLY:   # a plan without a topic: the exercises part is the whole copy
        texts = tuple(p.text for p in personal.exercises) if personal else ()
        document = exercises_document(options.content_dir, job.lang, job.level, language.s("exercises_title"), texts)
    else:
        topic = _cached(read_topic, options.content_dir, job.topic, options.content_dir / job.topic / "topic.yaml")
        document = _document(topic, job, template_context(topic, language, options.clinic))
    return document, language


def _render_job(job: Job, options: BuildOptions, personal: "PersonalCopy | None" = None) -> tuple[bytes, int]:
    """One document of the matrix (or the one personalised copy), read and rendered with per-process caches."""
    from handouts.writers import render

    fonts = _fonts(options)
    layout = _cached(load_layout, options.layouts_dir, job.layout, options.layouts_dir / f"{job.layout}.yaml")
    layout = layout.for_print(grayscale=options.grayscale, bleed=options.bleed)
    document, language = job_document(job, options, personal)
    rendered = render(document, language, layout, job.paper, fonts, options.clinic, personal,  # type: ignore[arg-type]
                      fmt=job.format)
    return rendered.data, rendered.pages


def _safe_render_group(jobs: list[Job], options: BuildOptions) -> list[tuple[Job, bytes | None, int, str | None]]:
    return [_safe_render(job, options) for job in jobs]


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
    """Write to a temporary file in the same directory, then rename: readers see all or nothing, and an
    interrupt waits the few milliseconds until the file is either in place or gone."""
    with signals_held():
        _write_then_rename(path, data)


def _write_then_rename(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        reason = "a part of the folder path is a file" if isinstance(exc, (FileExistsError, NotADirectoryError)) \
            else exc.strerror
        raise HandoutsError(f"cannot write: {reason}", path=path,
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


def _worker_init(parent: int) -> None:
    """Make a worker die with the build. Without this, `kill -9` of the build left workers rendering (and
    holding the output lock, which they inherit) with nobody to collect their results."""
    if sys.platform.startswith("linux"):
        import ctypes   # here: a build that forks no worker never loads it

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: drop queued jobs and end the workers instead of waiting for the documents they render."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API; shutdown clears it
    manager = getattr(pool, "_executor_manager_thread", None)   # shutdown clears these too
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():   # busy in C code past its SIGTERM (a loaded machine): it must still go
            process.kill()
            process.join(timeout=5)
    if results is not None:
        # A worker ended while it wrote a result leaves half a message in the pipe: the pool's thread, reading the
        # rest, would wait forever (and the interpreter at exit with it). With the workers gone, this process
        # holds the last writing end: closing it ends that read.
        results._writer.close()
    if manager is not None:   # it reaps the workers too: until it ends, one it reaped can still read as running
        manager.join(timeout=5)


def schedule(jobs: list[Job], content_dir: Path) -> list[list[Job]]:
    """The jobs in the groups workers take them in: the papers of one document together, so that one worker
    reads and templates it once (_document), and the heaviest groups first (shard.job_cost), so that no long
    document starts last while the other workers wait."""
    from handouts.build.shard import job_cost

    groups: dict[tuple[str, ...], list[Job]] = {}
    for job in jobs:
        groups.setdefault((job.topic, job.lang, job.level, job.layout, job.format), []).append(job)
    return sorted(groups.values(), key=lambda group: (-sum(job_cost(job, content_dir) for job in group),
                                                      group[0].relpath))


def language_fonts(options: BuildOptions, langs: set[str]) -> dict[str, tuple[str, ...]]:
    """Each language's font families (body, then fallbacks); a language whose entry cannot be read has none
    here (its documents report the error)."""
    families = {}
    for lang in sorted(langs):
        try:
            language = _cached(load_language, options.content_dir, lang,
                               options.content_dir / "languages" / f"{lang}.yaml")
        except HandoutsError:
            continue
        families[lang] = (language.body_font, *language.fallback_fonts)
    return families


def kept_languages(jobs: list[Job], options: BuildOptions, workers: int) -> set[str]:
    """The languages each kept to one worker: those with a font family no other language of the build draws
    (a CJK face is some 30 MB parsed and shaped, an Arabic or Devanagari face a few): a worker that renders
    none of that language's documents never loads it, and neither does the parent the workers fork from.
    The smallest first, and only while the rest, handed out a document at a time, is at least half of the
    work, so the workers still finish together; a language that is most of the build is never kept to one."""
    from handouts.build.shard import job_cost

    if workers <= 1:
        return set()
    families = language_fonts(options, {job.lang for job in jobs})
    users: dict[str, int] = {}
    for names in families.values():
        for name in set(names):
            users[name] = users.get(name, 0) + 1
    costs: dict[str, float] = {}
    for job in jobs:
        costs[job.lang] = costs.get(job.lang, 0.0) + job_cost(job, options.content_dir)
    total = sum(costs.values())
    kept: set[str] = set()
    shared = total
    for lang in sorted(costs, key=lambda lang: (costs[lang], lang)):
        if any(users[name] == 1 for name in families.get(lang, ())) and costs[lang] <= total / (2 * workers) \
                and shared - costs[lang] >= total / 2:
            kept.add(lang)
            shared -= costs[lang]
    return kept


def tasks(groups: list[list[Job]], kept: set[str], content_dir: Path) -> list[list[Job]]:
    """What each worker takes at a time: a kept language's groups all together (heaviest first), every other
    group alone; the heaviest task first, as schedule orders the groups."""
    from handouts.build.shard import job_cost

    merged: dict[str, list[Job]] = {}
    result: list[list[Job]] = []
    for group in groups:
        lang = group[0].lang
        if lang in kept:
            if lang not in merged:
                merged[lang] = []
                result.append(merged[lang])
            merged[lang].extend(group)
        else:
            result.append(group)
    costs = {id(task): sum(job_cost(job, content_dir) for job in task) for task in result}
    return sorted(result, key=lambda task: -costs[id(task)])   # stable: groups of equal cost keep their order


def _warm_before_fork() -> None:
    """Import the render pipeline before the workers start: they are forked from this process and inherit it
    (and the fonts prepare_fonts registered), instead of each importing and loading it again."""
    import multiprocessing

    if multiprocessing.get_start_method(allow_none=True) in (None, "fork") and sys.platform.startswith("linux"):
        import handouts.post.postprocess  # noqa: F401
        import handouts.writers  # noqa: F401
        from handouts.pdf import render, trifold  # noqa: F401


def run_jobs(jobs: list[Job], options: BuildOptions) -> Iterator[tuple[Job, bytes | None, int, str | None]]:
    """Each job's result, as it finishes (in plan order with one process)."""
    if options.jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _safe_render(job, options)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed   # a build of one document forks no worker

    groups = schedule(jobs, options.content_dir)
    workers = min(options.jobs, len(groups))
    work = tasks(groups, kept_languages(jobs, options, workers), options.content_dir)
    _warm_before_fork()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_safe_render_group, task, options) for task in work]
        for future in as_completed(futures):
            yield from future.result()
    except BaseException:  # an error, Ctrl-C, or the caller stopping early (--fail-fast closes the generator)
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def prepare_fonts(options: BuildOptions, jobs: list[Job], notice: Callable[[str], None] | None = None) -> None:
    """Before any document: the fonts of the languages being built, in this process. The static instances of
    variable fonts take seconds each, once per machine (then cached): `notice` is told first, so that a terminal
    says why the first build waits, and workers forked afterwards find them ready instead of each making them.
    The families are registered with reportlab here only when workers will be forked (they inherit them); a
    build in this process registers each when a document first needs it (FontLibrary.family), so a cold build of
    one English leaflet does not parse the fallback fonts it never draws. A language or font that cannot be
    loaded is left for its documents to report as their failure."""
    fonts = _fonts(options)
    families = language_fonts(options, {job.lang for job in jobs})
    names = list(dict.fromkeys(name for lang in sorted(families) for name in families[lang]))
    try:
        pending = {(source, tuple(sorted(axes.items()))) for name in names
                   for source, axes in fonts.pending_instances(name)}
        if pending and notice is not None:
            notice("preparing fonts (once per machine)…")
        if len(pending) > 1 and options.jobs > 1:   # one instance per core at a time
            from concurrent.futures import ProcessPoolExecutor

            from handouts.text.fonts import make_instance

            todo = sorted(pending, key=lambda item: (-item[0].stat().st_size, item))   # the longest first
            with ProcessPoolExecutor(max_workers=min(options.jobs, len(todo)), initializer=_worker_init,
                                     initargs=(os.getpid(),)) as pool:
                list(pool.map(make_instance, [source for source, _ in todo], [dict(axes) for _, axes in todo]))
        forking = options.jobs > 1 and len(jobs) > 1   # as run_jobs decides
        kept = kept_languages(jobs, options, min(options.jobs, len(schedule(jobs, options.content_dir)))) \
            if forking else set()
        inherited = {name for lang, names_ in families.items() if lang not in kept for name in names_}
        for name in names:   # a kept language's own family: only its worker registers it, when first drawn
            fonts.family(name, register=forking and name in inherited)
    except Exception:  # noqa: BLE001 - only a head start: each document that needs the font reports the error
        pass


@dataclass
class Prepared:
    """What a run will do, before anything is rendered: its jobs (a shard's share, when sharded), each job's input
    hash (every input file read once for the whole plan), and the manifest header naming the shard and plan."""
    jobs: list[Job]
    hashes: dict[Job, str]
    header: dict
    files_read: int


def prepare(options: BuildOptions, *, jobs: list[Job] | None = None, shard: "Shard | None" = None) -> Prepared:
    """Plan, hash and (with `shard`) keep this shard's share. The plan's identity is that of the whole plan, so
    that every shard of one plan names the same one."""
    from handouts.build.inputs import FileHashes, input_hash
    from handouts.build.shard import plan_identity, shard_jobs

    jobs = plan(options) if jobs is None else jobs
    files = FileHashes()
    hashes = {job: input_hash(job, options, files) for job in jobs}
    header: dict = {}
    if shard is not None:
        identity = plan_identity({job.relpath: hashes[job] for job in jobs})
        header = {"shard": str(shard), "plan": identity.as_json()}
        jobs = shard_jobs(jobs, shard, options.content_dir)
        hashes = {job: hashes[job] for job in jobs}
    return Prepared(jobs, hashes, header, files.reads)


def dry_run(options: BuildOptions, *, force: bool = False, jobs: list[Job] | None = None,
            shard: "Shard | None" = None) -> dict:
    """The plan as `build --dry-run --json` prints it: every document, its input hash and whether a build would
    make it (its entry in OUT's manifest is missing, does not match its file, or has other inputs). Nothing is
    rendered or written, and no lock is taken."""
    from handouts.build.shard import plan_identity

    prepared = prepare(options, jobs=jobs, shard=shard)
    warnings: list[str] = []
    manifest = read_manifest(options.out_dir, warnings) if options.out_dir.is_dir() else {}
    documents = []
    for job in prepared.jobs:
        previous = manifest.get(job.relpath)
        unchanged = not force and previous is not None and previous.get("input_hash") == prepared.hashes[job]
        documents.append({"path": job.relpath, **asdict(job), "input_hash": prepared.hashes[job],
                          "build": not unchanged})
    identity = prepared.header.get("plan") or \
        plan_identity({job.relpath: prepared.hashes[job] for job in prepared.jobs}).as_json()
    result = {"plan": identity, "documents": documents, "input_files_read": prepared.files_read,
              "warnings": warnings}
    if shard is not None:
        result["shard"] = str(shard)
    return result


def build(options: BuildOptions, *, progress: Callable[[Job], None] | None = None, fail_fast: bool = False,
          force: bool = False, prune: bool = False, jobs: list[Job] | None = None,
          shard: "Shard | None" = None) -> BuildReport:
    """Build what changed, under the output directory's lock. The manifest is rewritten as documents finish and
    at the end, also when the build fails or is interrupted, and it only ever names files that exist with the
    recorded hash. A write error is that document's failure; the others still build.

    With `shard`, only that share of the plan is built and the manifest names the shard and the plan, and holds
    only the share's documents (so that `manifest merge` can check the shards are disjoint)."""
    prepared = prepare(options, jobs=jobs, shard=shard)
    jobs, hashes, header = prepared.jobs, prepared.hashes, prepared.header
    check_writable(options.out_dir)
    report = BuildReport()
    with output_lock(options.out_dir):
        manifest = read_manifest(options.out_dir, report.warnings)
        if shard is not None:
            mine = {job.relpath for job in jobs}
            foreign = sorted(path for path in manifest if path not in mine)
            if foreign:
                report.warnings.append(f"{len(foreign)} document(s) in {options.out_dir / MANIFEST} are not in "
                                       f"shard {shard}; the shard's manifest leaves them out")
            manifest = {path: entry for path, entry in manifest.items() if path in mine}
        todo: list[Job] = []
        for job in jobs:
            previous = manifest.get(job.relpath)
            if not force and previous and previous.get("input_hash") == hashes[job]:
                report.skipped.append(previous)  # _read_manifest checked that its file has the recorded hash
                if progress:
                    progress(job)
            else:
                todo.append(job)
        try:
            for job, data, pages, error in run_jobs(todo, options):
                if progress:
                    progress(job)
                if error is None:
                    assert data is not None
                    try:
                        report.built.append(_store(options.out_dir, manifest, job, data, pages, hashes[job],
                                                   header, options))
                    except HandoutsError as exc:
                        error = exc.format_message()
                if error is not None:
                    report.failed.append({"path": job.relpath, "error": error, **asdict(job)})
                    if fail_fast:
                        break
        finally:
            order = {job.relpath: position for position, job in enumerate(jobs)}   # workers finish in any order
            report.built.sort(key=lambda entry: order[entry["path"]])
            report.failed.sort(key=lambda entry: order[entry["path"]])
            report.stale = stale_outputs(options, manifest, planned={job.relpath for job in jobs})
            if prune:
                for relpath in report.stale:
                    entry_path(options.out_dir, relpath).unlink(missing_ok=True)
                    remove_record(entry_path(options.out_dir, relpath))
                    manifest.pop(relpath, None)
                report.pruned = list(report.stale)
            write_manifest(options.out_dir, manifest, header)
    return report


def _store(out_dir: Path, manifest: dict[str, dict], job: Job, data: bytes, pages: int, input_hash: str,
           header: dict | None = None, options: BuildOptions | None = None) -> dict:
    """Write one document (and with `--fhir` its FHIR record) and record it. An older entry for the path leaves
    the manifest before its file is replaced: stopped in between, the file is merely unnamed (and rebuilt next
    time), never misdescribed."""
    target = confined(out_dir, job.relpath, what="output", source=out_dir, error=HandoutsError,
                      hint="a folder in the output directory is a symlink out of it; remove it")
    digest = hashlib.sha256(data).hexdigest()
    previous = manifest.get(job.relpath)
    # A rebuild that makes the same bytes (reproducible output, and --force) leaves the old entry true while its
    # file is replaced: only an entry whose file (or FHIR record) changes must leave the manifest first.
    same_file = previous is not None and previous.get("sha256") == digest and previous.get("bytes") == len(data) \
        and "fhir" not in previous and not (options is not None and options.fhir)
    if previous is not None and not same_file:
        manifest.pop(job.relpath)
        write_manifest(out_dir, manifest, header)
    atomic_write(target, data)
    entry = {"path": job.relpath, **asdict(job), "pages": pages, "bytes": len(data), "sha256": digest,
             "input_hash": input_hash}
    if options is not None and options.fhir and job.format in RECORDED_FORMATS:
        document, language = job_document(job, options)
        record = leaflet_record(document, language, options.clinic, data, url=job.relpath, identity=job.relpath)
        atomic_write(record_path(target), record)
        entry["fhir"] = record_entry(job.relpath, record)
    else:
        remove_record(target)   # one a build with --fhir left would describe an older file
    manifest[job.relpath] = entry
    write_manifest(out_dir, manifest, header)
    return entry


def entry_path(out_dir: Path, relpath: str) -> Path:
    """Where a manifest entry's file is; refused unless it is a leaflet file inside the output directory."""
    path = confined(out_dir, relpath, what="manifest entry", source=out_dir / MANIFEST, error=HandoutsError,
                    hint="remove that entry or the manifest; a build never reads or deletes files outside --out")
    if path.suffix not in OUTPUT_SUFFIXES or path.name.startswith("."):
        raise HandoutsError(f"manifest entry {relpath!r} does not name a leaflet file", path=out_dir / MANIFEST,
                            hint="remove that entry or the manifest")
    return path


def intact(path: Path, entry: dict) -> bool:
    """Whether the file (and its FHIR record, when the entry has one) still is what the entry says, byte for
    byte."""
    try:
        return path.stat().st_size == entry.get("bytes") and \
            hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256") and record_intact(path, entry)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False


def stale_outputs(options: BuildOptions, manifest: dict[str, dict],
                  planned: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Outputs in the manifest whose document no longer exists in the content or layouts. `planned`: paths this
    build's own plan holds, which exist; a manifest of only those needs no plan of every layout and format."""
    if planned.issuperset(manifest):
        return []
    full = BuildOptions(content_dir=options.content_dir, layouts_dir=options.layouts_dir, out_dir=options.out_dir,
                        layouts=tuple(layout_names(options.layouts_dir)), formats=("pdf", "html"))
    try:
        possible = {job.relpath for job in plan(full)}
    except HandoutsError:
        return []
    return sorted(path for path in manifest if path not in possible)


def check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandoutsError(f"cannot create the output directory: {exc.strerror}", path=out_dir,
                            hint="choose another directory with --out") from None
    if not os.access(out_dir, os.W_OK):
        raise HandoutsError("the output directory is not writable", path=out_dir,
                            hint="choose another directory with --out or fix its permissions")


def read_manifest(out_dir: Path, warnings: list[str]) -> dict[str, dict]:
    """Entries of earlier builds (this one's, or another language's into the same --out) stay while their files
    still have the recorded hash; any other entry is dropped, so its document is rebuilt rather than trusted.

    A manifest that is not valid JSON of the expected shape is read as empty, with a warning; one that is a folder,
    unreadable, or a symlink out of the output directory is an error, and so is an entry naming a path outside.
    """
    path = confined(out_dir, MANIFEST, what="manifest", source=out_dir, error=HandoutsError,
                    hint="it is a symlink out of the output directory; remove it")
    hint = "remove it; the next build writes a new one"
    if path.is_dir():
        raise HandoutsError("the manifest is a folder, not a file", path=path, hint=hint)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:  # also UnicodeDecodeError
        warnings.append(f"{path}: not valid JSON; read as empty, so every document is rebuilt")
        return {}
    except OSError as exc:
        raise HandoutsError(f"cannot read the manifest: {exc.strerror}", path=path, hint=hint) from None
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        warnings.append(f"{path}: not an object with a 'documents' list; read as empty, so every document is "
                        "rebuilt")
        return {}
    entries = {}
    for index, entry in enumerate(documents):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            warnings.append(f"{path}: documents[{index}] has no 'path'; ignored")
            continue
        if intact(entry_path(out_dir, entry["path"]), entry):
            entries[entry["path"]] = entry
    return entries


def write_manifest(out_dir: Path, entries: dict[str, dict], header: dict | None = None) -> None:
    """`header` is a shard's `shard` and `plan` fields; a single build's (and a merged) manifest has none. A
    manifest that already says exactly this is left as it is: each write is made durable (fsync), which cost a
    build of one document more than writing its PDF."""
    manifest = {"generator": f"handouts {__version__}", **(header or {}),
                "documents": [entries[key] for key in sorted(entries)]}
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    if _current_bytes(out_dir / MANIFEST) != data:
        atomic_write(out_dir / MANIFEST, data)


def _current_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it is missing, unreadable or not a plain file (a symlink is never read:
    it is replaced like any other manifest that needs writing)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)   # a FIFO: no wait
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def personal_job(options: BuildOptions, personal: "PersonalCopy", *, encrypt: bool = False,
                 job: Job | None = None) -> Job:
    """The one document a personalised copy is made of, checked: the options select exactly one (or `job`, a
    plan's copy of exercises alone, is given) and its writer can carry a personal, perhaps encrypted, copy."""
    if job is None:
        jobs = plan(options)
        if not options.papers:
            first_paper = jobs[0].paper if jobs else None
            jobs = [job for job in jobs if job.paper == first_paper]
        if len(jobs) != 1:
            raise UsageError(f"a personalised copy is one document, but the options select {len(jobs)}; "
                             "give one --topic, one --lang, one --level and at most one --layout and --paper")
        (job,) = jobs
    names = layout_names(options.layouts_dir)
    if job.layout not in names:
        from handouts.suggest import closest

        raise UsageError(f"unknown layout '{job.layout}'{closest(job.layout, names)}; layouts: {', '.join(names)}")
    layout = load_layout(options.layouts_dir, job.layout)
    writer = writer_for(layout, job.format)
    if writer is None or not writer.personal or (encrypt and not writer.encrypt):
        raise UsageError(f"a personalised copy cannot be made as {job.format} in layout '{job.layout}'"
                         + (" with --encrypt" if writer and writer.personal else "")
                         + ": leave out --format html")
    if personal.exercises and writer.kind == "trifold":
        raise UsageError(f"layout '{job.layout}' is one folded sheet with no room for exercises; "
                         "choose leaflet or large-print")
    return job


def render_preview(options: BuildOptions, topic: str, lang: str, level: str) -> bytes:
    """The HTML twin of one leaflet, as the web page previews it (no patient: the twin never carries one)."""
    (job,) = plan(replace(options, topics=(topic,), langs=(lang,), levels=(level,), layouts=("leaflet",),
                          papers=(), formats=("html",)))
    data, _ = _render_job(job, options)
    return data


def render_personal(job: Job, options: BuildOptions, personal: "PersonalCopy", *, password: str | None = None
                    ) -> bytes:
    """The copy's bytes, encrypted when a password is given; nothing is written (the web page sends them)."""
    data, _ = _render_job(job, options, personal)
    if password:
        from handouts.post.encryption import encrypt_pdf

        data = encrypt_pdf(data, password)
    return data


def build_personal(options: BuildOptions, personal: "PersonalCopy", *, password: str | None = None,
                   force: bool = False, job: Job | None = None) -> Path:
    """One copy for one patient. Not recorded in the manifest and never named in output; the file name ends in
    a keyed hash of the name (`personal.copy_name`). An existing copy is replaced only with `force`: without it,
    two patients whose names once mapped to one file silently lost a copy."""
    from handouts.config.personal import copy_name

    job = personal_job(options, personal, encrypt=bool(password), job=job)
    check_writable(options.out_dir)
    with output_lock(options.out_dir):
        path = options.out_dir / copy_name(options.out_dir, Path(job.relpath).stem, personal.patient)
        if not force and (path.exists() or path.is_symlink()):
            raise HandoutsError("a personalised copy for this patient and document already exists", path=path,
                                hint="give --force to replace it")
        data = render_personal(job, options, personal, password=password)
        record = None
        if options.fhir:   # the copy's own file name is its identity; the record names no patient
            document, language = job_document(job, options, personal)
            record = leaflet_record(document, language, options.clinic, data, url=path.name, identity=path.name,
                                    personal=True)
        atomic_write(path, data)
        if record is None:
            remove_record(path)
            return path
        try:
            atomic_write(record_path(path), record)
        except HandoutsError:
            path.unlink(missing_ok=True)   # a copy without the record it was asked for is not left behind
            raise
    return path


def plan_job(options: BuildOptions, plan: "ResolvedPlan") -> tuple[BuildOptions, Job | None]:
    """The options (and, for exercises alone, the job) a plan file's copy is built with."""
    options = replace(options, topics=(plan.topic,) if plan.topic else (), langs=(plan.lang,),
                      levels=(plan.level,), layouts=(plan.layout,), papers=(plan.paper,), formats=("pdf",))
    if plan.topic:
        return options, None
    return options, Job(EXERCISES_ONLY, plan.lang, plan.level, plan.layout, plan.paper)
