"""Speed benchmark: how fast handouts makes leaflets on this machine, next to WeasyPrint and Typst.

    pip install -r bench/requirements.txt && python bench/run.py

Measures in one run (see README.md, "Benchmark"):
- warm: one document rendered in a process that has already made one (median of many, over the English easy,
  standard and detailed leaflets on A4 and Letter), with the content already read, as the comparators get it;
- the same including reading and parsing the content, and where its time goes: the render path's stages (read,
  template, flowables, layout, write, post-process; handouts.timing), median per stage;
- cold: `python -m handouts build` of one leaflet as a whole process (median of several), after one untimed run
  that fills the caches a machine keeps between runs (font instances, the disk cache of parsed content, bytecode);
- the whole default matrix with `--jobs 1` and with every core (`--jobs 0`), wall time and peak memory;
- memory as the matrix grows: resident memory of one process after building the matrix 1, 2 and 4 times;
- output sizes (from the manifest);
- WeasyPrint rendering the HTML twin of the same documents (handouts.htmlwriter) to PDF, warm;
- Typst compiling an equivalent document generated from the same content model (bench/typst_doc.py), warm.

- the first build on a new machine: the default matrix (all cores) with an empty font cache;

Prints a table with ratios (ours ÷ theirs) and the targets of issue 17, and writes everything as JSON (default
bench/results.json) with the machine it ran on. A comparator that is not installed gets "not available".
Targets are reported, never asserted: the benchmark exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]  # `python bench/run.py` from anywhere: typst_doc, this checkout

WARM_DOCS = [("en", level, paper) for level in ("easy", "standard", "detailed") for paper in ("a4", "letter")]
TARGET_VS_TYPST = 1.2        # ours ÷ Typst, at most (issue 17; issue 10 asked for 1.0)
TARGET_VS_WEASYPRINT = 1 / 15  # ours ÷ WeasyPrint, at most (15× faster)
TARGET_MATRIX_S = 3.0        # whole default matrix, all cores (the issue sets it for two cores)
TARGET_MATRIX_J1_S = 5.0     # whole default matrix, --jobs 1
TARGET_COLD_S = 0.3          # one leaflet, whole process
TARGET_FIRST_BUILD_S = 20.0  # the default matrix on a new machine: font instances made first
TARGET_WORKER_MB = 150.0     # peak resident memory of the largest process of the all-cores matrix
TARGET_MEMORY_GROWTH = 1.10  # resident memory after 4 matrices ÷ after 1, at most


# --- rows -----------------------------------------------------------------------------------------------------

@dataclass
class Row:
    metric: str
    ours: float | None
    theirs: float | None = None
    unit: str = "s"
    target: str = ""
    passed: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.theirs:
            return None
        return self.ours / self.theirs


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "B":
        return f"{value / 1024:.1f} KiB"
    if unit == "x":
        return f"{value:.3f}"
    return f"{value:g} {unit}"


def print_table(rows: list[Row], machine: dict[str, Any]) -> None:
    header = ["metric", "ours", "theirs", "ratio", "target", "result"]
    lines = [[r.metric, _fmt(r.ours, r.unit), _fmt(r.theirs, r.unit) if r.theirs is not None else (r.note or "—"),
              f"{r.ratio:.3f}" if r.ratio is not None else "—", r.target or "—",
              {True: "PASS", False: "FAIL", None: "—"}[r.passed]] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    print(f"\nhandouts {machine['handouts']} on {machine['cpu']} ({machine['cores']} cores), "
          f"Python {machine['python']}, {machine['platform']}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths)))
    notes = [f"- {r.metric}: {r.note}" for r in rows if r.note and r.theirs is not None]
    if notes:
        print("\n".join(["", *notes]))


# --- machine --------------------------------------------------------------------------------------------------

def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("handouts", "reportlab", "rl_accel", "rlPyCairo", "pypdf", "fonttools", "uharfbuzz", "jinja2",
                 "weasyprint", "typst", "pyinstrument"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory_mb, "python": platform.python_version(),
            "platform": platform.platform(), "handouts": versions["handouts"], "packages": versions,
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


# --- in-process measurements ----------------------------------------------------------------------------------

def timed_rounds(tasks: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Run every task once untimed (warm-up), then `rounds` times round-robin; seconds per task."""
    for task in tasks.values():
        task()
    times: dict[str, list[float]] = {key: [] for key in tasks}
    for _ in range(rounds):
        for key, task in tasks.items():
            start = time.perf_counter()
            task()
            times[key].append(time.perf_counter() - start)
    return times


def _median_of(times: dict[str, list[float]], keys: list[str] | None = None) -> float:
    return statistics.median([t for key, ts in times.items() if keys is None or key in keys for t in ts])


class Content:
    """The English documents of the benchmark, read once, with everything needed to render them."""

    def __init__(self) -> None:
        from handouts.text.fonts import FontLibrary
        from handouts.content.languages import load_language
        from handouts.config.layouts import load_layout
        from handouts.paths import default_content_dir, default_layouts_dir
        from handouts.content.reader import read_topic

        self.content_dir, self.layouts_dir = default_content_dir(), default_layouts_dir()
        self.fonts = FontLibrary(self.layouts_dir)
        self.topic = read_topic(self.content_dir, "back-mouse")
        self.language = load_language(self.content_dir, "en")
        self.layout = load_layout(self.layouts_dir, "leaflet")
        self.documents = {level: self.read(level) for level in ("easy", "standard", "detailed")}

    def read(self, level: str):
        from handouts.content.reader import read_document
        from handouts.document import template_context

        return read_document(self.topic, "en", level, template_context(self.topic, self.language, None))

    def render(self, level: str, paper: str, document=None) -> bytes:
        from handouts.writers import render_pdf

        return render_pdf(document or self.documents[level], self.language, self.layout, paper, self.fonts).data


def key(lang: str, level: str, paper: str) -> str:
    return f"{lang}/{level}/{paper}"


def bench_ours(content: Content, rounds: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    render = {key(*d): (lambda d=d: content.render(d[1], d[2])) for d in WARM_DOCS}
    with_read = {key(*d): (lambda d=d: content.render(d[1], d[2], content.read(d[1]))) for d in WARM_DOCS}
    return timed_rounds(render, rounds), timed_rounds(with_read, max(3, rounds // 2))


STAGES = ("read", "template", "flowables", "layout", "write", "post-process")


def bench_stages(content: Content, rounds: int) -> dict[str, Any] | None:
    """Where a warm document's time goes, read included: the render path's stage timers (handouts.timing), per
    stage the median over the warm documents and rounds; "other" is what no stage covers. None for a version of
    handouts without the timers (a benchmark of an older checkout)."""
    try:
        from handouts import timing
    except ImportError:
        return None

    samples: dict[str, list[float]] = {name: [] for name in (*STAGES, "other", "total")}
    for _ in range(rounds):
        for d in WARM_DOCS:
            timing.reset()
            start = time.perf_counter()
            content.render(d[1], d[2], content.read(d[1]))
            total = time.perf_counter() - start
            spent = timing.totals()
            for name in STAGES:
                samples[name].append(spent.get(name, 0.0))
            samples["other"].append(total - sum(spent.values()))
            samples["total"].append(total)
    return {"median": {name: statistics.median(values) for name, values in samples.items()}, "samples": samples}


def bench_typst(content: Content, rounds: int) -> tuple[dict[str, list[float]] | None, str, dict[str, int]]:
    try:
        import typst
    except ImportError:
        return None, "not available (pip install typst)", {}
    try:
        import fontpkg_atkinson_hyperlegible
    except ImportError:
        return None, "not available (fontpkg-atkinson-hyperlegible missing)", {}
    from typst_doc import typst_markup

    font_paths = [str(Path(fontpkg_atkinson_hyperlegible.__file__).resolve().parent / "files")]
    sources = {key(*d): typst_markup(content.documents[d[1]], content.layout, d[2]).encode() for d in WARM_DOCS}
    sizes = {k: len(typst.compile(src, font_paths=font_paths)) for k, src in sources.items()}
    tasks = {k: (lambda src=src: typst.compile(src, font_paths=font_paths)) for k, src in sources.items()}
    return timed_rounds(tasks, rounds), f"typst {metadata.version('typst')} (Python package)", sizes


def bench_weasyprint(content: Content, rounds: int) -> tuple[dict[str, list[float]] | None, str, dict[str, int]]:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the package is there but Pango is not
        return None, f"not available ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})", {}
    from handouts.html.writer import render_html

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # it warns about CSS it does not support
    # The HTML twin has no paper size (it is a web page): one per level, compared with our A4 PDF.
    pages = {key("en", level, "a4"): render_html(doc, content.language, content.layout, None, fonts=content.fonts)
             .decode("utf-8") for level, doc in content.documents.items()}
    sizes = {k: len(weasyprint.HTML(string=page).write_pdf()) for k, page in pages.items()}
    tasks = {k: (lambda page=page: weasyprint.HTML(string=page).write_pdf()) for k, page in pages.items()}
    return timed_rounds(tasks, rounds), f"WeasyPrint {weasyprint.__version__}", sizes


# --- whole processes ------------------------------------------------------------------------------------------

_TIMER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True)
elapsed = time.perf_counter() - start
print(json.dumps({"elapsed": elapsed, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "code": proc.returncode, "output": (proc.stdout + proc.stderr).decode(errors="replace")}))
"""


def run_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one process and the workers it waited for.

    Timed and measured by a small Python process that starts it: Linux carries a parent's peak memory over into
    a child it forks, so measuring from this (large) process would report our own size instead."""
    proc = subprocess.run([sys.executable, "-c", _TIMER, *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark timer failed:\n{proc.stdout}{proc.stderr}")
    result = json.loads(proc.stdout)
    if result["code"] != 0:
        raise SystemExit(f"benchmark step failed ({' '.join(args)}):\n{result['output']}")
    return result["elapsed"], result["maxrss_kb"] / 1024  # Linux reports kilobytes


def handouts_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "handouts", *args]


def bench_cold(tmp: Path, runs: int) -> dict[str, Any]:
    out = tmp / "cold"
    one = handouts_cmd("build", "--topic", "back-mouse", "--lang", "en", "--level", "standard", "--paper", "a4",
                       "--layout", "leaflet", "--out", str(out), "--force", "-q")
    # A user's Python writes bytecode on the first run and reads it afterwards; a sandbox that sets
    # PYTHONDONTWRITEBYTECODE would compile the whole package from source in every timed process instead.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    run_process(one, env)  # untimed: fills the OS file cache, the font instances, the disk cache and bytecode
    times, peaks = zip(*(run_process(one, env) for _ in range(runs)))
    helps = [run_process(handouts_cmd("--help"), env)[0] for _ in range(runs)]
    python = [run_process([sys.executable, "-c", "pass"])[0] for _ in range(runs)]
    return {"build": list(times), "peak_mb": max(peaks), "help": helps, "python": python}


def bench_first_build(tmp: Path) -> dict[str, Any]:
    """The default matrix, all cores, with an empty font cache (HANDOUTS_CACHE_DIR): what a new machine waits."""
    env = {**os.environ, "HANDOUTS_CACHE_DIR": str(tmp / "empty-cache")}
    start = time.perf_counter()
    proc = subprocess.run(handouts_cmd("build", "--out", str(tmp / "first"), "-q", "-j", "0"), cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"first build failed:\n{proc.stdout}{proc.stderr}")
    return {"elapsed": time.perf_counter() - start}


def bench_matrix(tmp: Path, runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for label, jobs in (("j1", "1"), ("all", "0")):
        out = tmp / f"matrix-{label}"
        times, peaks = zip(*(run_process(handouts_cmd("build", "--out", str(out), "--force", "-q", "-j", jobs))
                             for _ in range(runs)))
        results[label] = {"times": list(times), "peak_mb": max(peaks)}
    manifest = json.loads((tmp / "matrix-j1" / "manifest.json").read_text())
    sizes = sorted(entry["bytes"] for entry in manifest["documents"])
    results["documents"] = len(sizes)
    results["sizes"] = {"min": sizes[0], "median": statistics.median(sizes), "max": sizes[-1],
                        "total": sum(sizes)}
    return results


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, MB (Linux /proc)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def memory_probe(out: Path, repeats: tuple[int, ...], english_only: bool) -> dict[str, Any]:
    """In this process: build the default matrix (--jobs 1) again and again; memory after 1×, 2×, 4× ...."""
    from handouts.build.matrix import BuildOptions, build
    from handouts.paths import default_content_dir, default_layouts_dir

    options = BuildOptions(content_dir=default_content_dir(), layouts_dir=default_layouts_dir(), out_dir=out,
                           langs=("en",) if english_only else (), jobs=1)
    done, samples = 0, []
    for target in repeats:
        while done < target:
            report = build(options, force=True)
            assert report.ok, report.failed
            done += 1
        rss, hwm = _rss_mb()
        samples.append({"matrices": done, "documents": done * len(report.built), "rss_mb": rss, "peak_mb": hwm})
    return {"samples": samples}


def bench_memory(tmp: Path, english_only: bool) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--memory-probe", str(tmp / "memory")]
    if english_only:
        args.append("--english-only")
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise SystemExit(f"memory probe failed:\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout)


def previous_sizes(documents: int, path: Path) -> float | None:
    """The total output size an earlier run (by default the committed bench/results.json) recorded for a matrix
    of as many documents."""
    try:
        previous = json.loads(path.read_text())
        matrix = previous["raw"]["matrix"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return matrix["sizes"]["total"] if matrix.get("documents") == documents else None


# --- main -----------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="warm renders of each document (default 10)")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold builds to take the median of (default 5)")
    parser.add_argument("--matrix-runs", type=int, default=3, help="matrix builds per --jobs value (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and an English-only memory probe (a smoke test, not a result)")
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write JSON (default bench/results.json; with --quick, nowhere unless given)")
    parser.add_argument("--compare", type=Path, default=ROOT / "bench" / "results.json",
                        help="an earlier run's JSON whose output sizes this run's must not exceed "
                             "(default bench/results.json, read before it is replaced)")
    parser.add_argument("--memory-probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--english-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_probe:
        repeats = (1, 2) if args.english_only else (1, 2, 4)
        print(json.dumps(memory_probe(args.memory_probe, repeats, args.english_only)))
        return 0
    if args.quick:
        args.rounds, args.cold_runs, args.matrix_runs = 3, 2, 1

    machine = machine_info()
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    log("warm documents (ours) ...")
    content = Content()
    ours, ours_read = bench_ours(content, args.rounds)
    stages = bench_stages(content, max(3, args.rounds // 2))
    log("Typst ...")
    typst_times, typst_name, typst_sizes = bench_typst(content, args.rounds)
    log("WeasyPrint ...")
    weasy_times, weasy_name, weasy_sizes = bench_weasyprint(content, max(3, args.rounds // 3))
    ours_sizes = {key(*d): len(content.render(d[1], d[2])) for d in WARM_DOCS}

    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp_name:
        tmp = Path(tmp_name)
        log("cold single leaflet ...")
        cold = bench_cold(tmp, args.cold_runs)
        log("whole matrix, --jobs 1 and all cores ...")
        matrix = bench_matrix(tmp, args.matrix_runs)
        log("first build on a new machine (empty font cache) ...")
        first_build = bench_first_build(tmp)
        log("memory as the matrix repeats ...")
        memory = bench_memory(tmp, english_only=args.quick)
        shutil.rmtree(tmp, ignore_errors=True)

    rows: list[Row] = []
    warm = _median_of(ours)
    if typst_times is not None:
        theirs = _median_of(typst_times)
        row = Row("warm document vs Typst", warm, theirs, target=f"ratio <= {TARGET_VS_TYPST:g}",
                  note=typst_name + "; figures are plain shapes there")
        row.passed = row.ratio is not None and row.ratio <= TARGET_VS_TYPST
    else:
        row = Row("warm document vs Typst", warm, None, target=f"ratio <= {TARGET_VS_TYPST:g}", note=typst_name)
    rows.append(row)
    if weasy_times is not None:
        same = list(weasy_times)
        row = Row("warm document vs WeasyPrint", _median_of(ours, same), _median_of(weasy_times),
                  target=f"ratio <= 1/{1 / TARGET_VS_WEASYPRINT:g}", note=weasy_name + "; HTML twin, A4 documents")
        row.passed = row.ratio is not None and row.ratio <= TARGET_VS_WEASYPRINT
    else:
        row = Row("warm document vs WeasyPrint", warm, None, target=f"ratio <= 1/{1 / TARGET_VS_WEASYPRINT:g}",
                  note=weasy_name)
    rows.append(row)
    rows.append(Row("warm document incl. reading content", _median_of(ours_read)))
    for name in (*STAGES, "other"):
        spent = stages["median"][name] if stages else None
        share = f"{spent / stages['median']['total']:.0%} of a warm document" if spent is not None else ""
        rows.append(Row(f"  stage: {name}", spent, note=share or "no stage timers in this version"))
    cold_s = statistics.median(cold["build"])
    rows.append(Row("cold single leaflet (process)", cold_s, target=f"< {TARGET_COLD_S * 1000:.0f} ms",
                    passed=cold_s < TARGET_COLD_S))
    rows.append(Row("cold `handouts --help` (process)", statistics.median(cold["help"])))
    rows.append(Row("bare `python -c pass` (process)", statistics.median(cold["python"])))
    n = matrix["documents"]
    j1_s = statistics.median(matrix["j1"]["times"])
    rows.append(Row(f"matrix of {n}, --jobs 1", j1_s, target=f"< {TARGET_MATRIX_J1_S:g} s",
                    passed=j1_s < TARGET_MATRIX_J1_S))
    all_s = statistics.median(matrix["all"]["times"])
    rows.append(Row(f"matrix of {n}, all {machine['cores']} cores", all_s, target=f"< {TARGET_MATRIX_S:g} s",
                    passed=all_s < TARGET_MATRIX_S))
    rows.append(Row("peak memory, cold leaflet", cold["peak_mb"], unit="MB"))
    rows.append(Row("peak memory, matrix --jobs 1", matrix["j1"]["peak_mb"], unit="MB"))
    rows.append(Row(f"first build on a new machine (matrix, all cores, empty font cache)", first_build["elapsed"],
                    target=f"< {TARGET_FIRST_BUILD_S:g} s", passed=first_build["elapsed"] < TARGET_FIRST_BUILD_S))
    rows.append(Row("peak memory, matrix all cores (largest process)", matrix["all"]["peak_mb"], unit="MB",
                    target=f"< {TARGET_WORKER_MB:g} MB", passed=matrix["all"]["peak_mb"] < TARGET_WORKER_MB))
    samples = memory["samples"]
    growth = samples[-1]["rss_mb"] / samples[0]["rss_mb"]
    for sample in samples:
        rows.append(Row(f"RSS after {sample['matrices']}x matrix ({sample['documents']} docs, 1 process)",
                        sample["rss_mb"], unit="MB"))
    rows.append(Row(f"memory growth {samples[0]['matrices']}x -> {samples[-1]['matrices']}x", growth, unit="x",
                    target=f"<= {TARGET_MEMORY_GROWTH:g}", passed=growth <= TARGET_MEMORY_GROWTH))
    sizes = matrix["sizes"]
    for label in ("min", "median", "max"):
        rows.append(Row(f"output size {label} ({n} PDFs)", sizes[label], unit="B"))
    before = previous_sizes(n, args.compare)
    rows.append(Row(f"output size total ({n} PDFs)", sizes["total"], before, unit="B",
                    target=f"<= {args.compare.name}" if before else "", passed=None if before is None else
                    sizes["total"] <= before, note="" if before else "no earlier run of this matrix to compare"))
    median_ours_size = statistics.median(ours_sizes.values())
    if typst_sizes:
        rows.append(Row("PDF size, English warm set vs Typst", median_ours_size,
                        statistics.median(typst_sizes.values()), unit="B"))
    if weasy_sizes:
        rows.append(Row("PDF size, English A4 vs WeasyPrint",
                        statistics.median(v for k, v in ours_sizes.items() if k in weasy_sizes),
                        statistics.median(weasy_sizes.values()), unit="B"))

    print_table(rows, machine)
    result = {
        "machine": machine,
        "settings": {"rounds": args.rounds, "cold_runs": args.cold_runs, "matrix_runs": args.matrix_runs,
                     "quick": args.quick, "warm_documents": [key(*d) for d in WARM_DOCS]},
        "rows": [{"metric": r.metric, "ours": r.ours, "theirs": r.theirs, "ratio": r.ratio, "unit": r.unit,
                  "target": r.target, "passed": r.passed, "note": r.note} for r in rows],
        "stages": stages["median"] if stages else None,
        "raw": {"ours_warm": ours, "ours_warm_with_read": ours_read, "stages": stages["samples"] if stages else None,
                "typst": typst_times, "weasyprint": weasy_times,
                "cold": cold, "matrix": matrix, "first_build": first_build, "memory": memory,
                "sizes": {"ours": ours_sizes, "typst": typst_sizes, "weasyprint": weasy_sizes}},
    }
    # --quick is a smoke test, not a result: it never replaces the committed results unless told where to write.
    target = args.json if args.json is not None else (None if args.quick else ROOT / "bench" / "results.json")
    if target is None:
        print("\n--quick: results not written (give --json PATH to keep them)")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
