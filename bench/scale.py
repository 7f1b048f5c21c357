"""Scale probe: how planning, the manifest and sharding grow with the size of a content library.

    python bench/scale.py [--quick] [--json PATH] [--sizes 1000,10000,100000]

Makes a synthetic content tree of many topics in a temporary folder (copies of the real back-mouse topic under new
ids: every language, level and paper of it, 54 documents a topic; its files hard-linked where the file system
allows), then, for each size, in a fresh process so that each peak is its own:
- planning: `plan()` (which documents) and the input hashes of every document (`prepare()`: each input file read
  once), timed separately in wall and CPU time (CPU time is what load from other processes does not skew), with the
  number of input files read;
- `handouts build --dry-run --json` of the whole tree as a process: wall time, peak memory, size of its output;
- the manifest a full build would write (entries as `build` makes them, with sizes and hashes filled in, since
  rendering 100,000 PDFs is not the point), with and without `--fhir` records: bytes, time to write and to parse;
- shard balance: the largest over the smallest estimated cost of the shares (shard.split) for N = 2, 7 and 20,
  and how long the split takes;
- peak resident memory of the planning process.

Planning should grow linearly: the table shows CPU microseconds per document at each size, and the growth exponents
between the smallest and the largest size are printed (1.0 is linear). It did not at first: `read_topic` listed the
whole library to check the one id it was given, once per topic, so planning 100,000 documents took 83 s instead
of 15 s (content/reader.py now checks the one id). Prints the table; writes JSON only with `--json PATH`.
`--quick` runs 1,000 documents only (a smoke run, not a result).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # `python bench/scale.py` from anywhere: this checkout's handouts

SOURCE_TOPIC = "back-mouse"
SHARD_COUNTS = (2, 7, 20)
SIZES = (1_000, 10_000, 100_000)


def documents_per_topic(content: Path) -> int:
    from handouts.build.plan import BuildOptions, plan
    from handouts.paths import default_layouts_dir

    options = BuildOptions(content_dir=content, layouts_dir=default_layouts_dir(), out_dir=Path("unused"),
                           topics=(SOURCE_TOPIC,))
    return len(plan(options))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def make_tree(root: Path, topics: int, source_content: Path) -> Path:
    """`topics` copies of the source topic, `t000000-back-mouse` ..., and the language entries. The first copy is
    made with real copies, the others hard-link its files (the same bytes, as a library of similar leaflets has);
    each topic.yaml is its own file with its own id."""
    content = root / "content"
    shutil.copytree(source_content / "languages", content / "languages")
    source = source_content / SOURCE_TOPIC
    template = (source / "topic.yaml").read_text(encoding="utf-8")
    assert template.startswith(f"id: {SOURCE_TOPIC}\n"), "topic.yaml no longer starts with its id"
    first: Path | None = None
    for index in range(topics):
        topic_id = f"t{index:06d}-{SOURCE_TOPIC}"
        target = content / topic_id
        if first is None:
            shutil.copytree(source, target)
            first = target
        else:
            for lang_dir in sorted(p for p in first.iterdir() if p.is_dir()):
                (target / lang_dir.name).mkdir(parents=True)
                for file in sorted(lang_dir.iterdir()):
                    _link_or_copy(file, target / lang_dir.name / file.name)
        (target / "topic.yaml").write_text(template.replace(f"id: {SOURCE_TOPIC}\n", f"id: {topic_id}\n", 1),
                                           encoding="utf-8")
    return content


def measure_planning(content: Path) -> dict:
    """Runs in the child process: everything about one tree that does not need a separate process."""
    from handouts.build.matrix import MANIFEST, prepare, write_manifest
    from handouts.build.plan import BuildOptions, plan
    from handouts.build.shard import job_cost, split
    from handouts.paths import default_layouts_dir

    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    options = BuildOptions(content_dir=content, layouts_dir=default_layouts_dir(), out_dir=Path("unused"))
    started, cpu = time.perf_counter(), time.process_time()
    jobs = plan(options)
    plan_s, plan_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    prepared = prepare(options, jobs=jobs)
    hash_s, hash_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    manifests = {}
    with tempfile.TemporaryDirectory(prefix="handouts-scale-manifest-") as tmp:
        for fhir in (False, True):
            entries = {}
            for job in jobs:   # the fields _store writes; sizes and hashes of a typical leaflet stand in
                entry = {"path": job.relpath, **asdict(job), "pages": 10, "bytes": 110_000, "sha256": "0" * 64,
                         "input_hash": prepared.hashes[job]}
                if fhir:
                    entry["fhir"] = {"path": job.relpath + ".fhir.json", "bytes": 1_150, "sha256": "0" * 64}
                entries[job.relpath] = entry
            started = time.perf_counter()
            write_manifest(Path(tmp), entries)
            write_s = time.perf_counter() - started
            data = (Path(tmp) / MANIFEST).read_bytes()
            started = time.perf_counter()
            json.loads(data)
            parse_s = time.perf_counter() - started
            manifests["fhir" if fhir else "plain"] = {"bytes": len(data), "write_s": round(write_s, 4),
                                                       "parse_s": round(parse_s, 4)}

    balance = {}
    costs = {job: job_cost(job, content) for job in jobs}
    for count in SHARD_COUNTS:
        started = time.perf_counter()
        shares = split(jobs, count, content)
        split_s = time.perf_counter() - started
        loads = [sum(costs[job] for job in share) for share in shares]
        balance[str(count)] = {"max_over_min": round(max(loads) / min(loads), 5) if min(loads) else math.inf,
                               "documents_per_shard": [min(map(len, shares)), max(map(len, shares))],
                               "split_s": round(split_s, 4)}
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"documents": len(jobs), "plan_s": round(plan_s, 4), "hash_s": round(hash_s, 4),
            "plan_cpu_s": round(plan_cpu_s, 4), "hash_cpu_s": round(hash_cpu_s, 4),
            "input_files_read": prepared.files_read, "manifest": manifests, "shards": balance,
            "peak_rss_mb": round(rss_end / 1024, 1), "rss_after_import_mb": round(rss_start / 1024, 1)}


def measure_dry_run(content: Path, work: Path) -> dict:
    """`handouts build --dry-run --json` of the whole tree as its own process: wall time and peak memory."""
    output = work / "dry-run.json"
    command = [sys.executable, "-m", "handouts", "build", "--dry-run", "--json", "--content", str(content),
               "--out", str(work / "out")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    errors = work / "dry-run.stderr"
    started = time.perf_counter()
    with output.open("wb") as out, errors.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)   # this child's own rusage: its peak memory alone
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"dry run failed: {errors.read_text(errors='replace')[:500]}")
    result = json.loads(output.read_bytes())
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "output_bytes": output.stat().st_size, "documents": len(result["documents"]),
            "input_files_read": result["input_files_read"]}


def exponent(rows: list[dict], key) -> float | None:
    """The growth exponent of `key(row)` between the smallest and the largest size: 1.0 is linear."""
    if len(rows) < 2:
        return None
    low, high = rows[0], rows[-1]
    documents = high["planning"]["documents"] / low["planning"]["documents"]
    return round(math.log(key(high) / key(low)) / math.log(documents), 3)


def table(rows: list[dict]) -> str:
    lines = ["| documents | topics | plan s | hash s | CPU us/doc | dry-run s | dry-run MB | manifest MB (--fhir) "
             "| shards max/min N=2 / 7 / 20 |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        p = row["planning"]
        per_doc = (p["plan_cpu_s"] + p["hash_cpu_s"]) / p["documents"] * 1e6   # CPU: other load skews wall time
        shards = " / ".join(f"{p['shards'][str(n)]['max_over_min']:.4f}" for n in SHARD_COUNTS)
        lines.append(f"| {p['documents']:,} | {row['topics']:,} | {p['plan_s']:.2f} | {p['hash_s']:.2f} | "
                     f"{per_doc:.0f} | {row['dry_run']['wall_s']:.2f} | {row['dry_run']['peak_rss_mb']:.0f} | "
                     f"{p['manifest']['plain']['bytes'] / 1e6:.2f} ({p['manifest']['fhir']['bytes'] / 1e6:.2f}) | "
                     f"{shards} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 documents only (a smoke run)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the results here")
    parser.add_argument("--sizes", default=None, help="comma-separated document counts (default 1000,10000,100000)")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)   # measure one tree, print JSON
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure_planning(args.child)))
        return 0

    from handouts import __version__
    from handouts.paths import default_content_dir

    sizes = (SIZES[0],) if args.quick else tuple(int(s) for s in args.sizes.split(",")) if args.sizes else SIZES
    source = default_content_dir()
    per_topic = documents_per_topic(source)
    rows = []
    with tempfile.TemporaryDirectory(prefix="handouts-scale-") as tmp:
        for size in sizes:
            topics = max(1, round(size / per_topic))
            work = Path(tmp) / f"n{size}"
            started = time.perf_counter()
            content = make_tree(work, topics, source)
            made_s = time.perf_counter() - started
            print(f"{size:,} documents: {topics:,} topics made in {made_s:.1f} s; measuring", file=sys.stderr)
            child = subprocess.run([sys.executable, __file__, "--child", str(content)], capture_output=True,
                                   text=True, check=True, cwd=ROOT)
            planning = json.loads(child.stdout)
            row = {"requested": size, "topics": topics, "tree_s": round(made_s, 2), "planning": planning,
                   "dry_run": measure_dry_run(content, work)}
            rows.append(row)
            shutil.rmtree(work)
    print(table(rows))
    growth = {"plan_cpu": exponent(rows, lambda r: r["planning"]["plan_cpu_s"]),
              "hash_cpu": exponent(rows, lambda r: r["planning"]["hash_cpu_s"]),
              "plan_wall": exponent(rows, lambda r: r["planning"]["plan_s"]),
              "hash_wall": exponent(rows, lambda r: r["planning"]["hash_s"]),
              "dry_run_wall": exponent(rows, lambda r: r["dry_run"]["wall_s"]),
              "manifest_bytes": exponent(rows, lambda r: r["planning"]["manifest"]["plain"]["bytes"])}
    print(f"growth exponents (1.0 = linear), {rows[0]['planning']['documents']:,} to "
          f"{rows[-1]['planning']['documents']:,} documents: {growth}")
    if args.json is not None:
        results = {"tool": f"handouts {__version__}", "documents_per_topic": per_topic,
                   "machine": {"python": platform.python_version(), "platform": platform.platform(),
                               "cpus": os.cpu_count(), "load_average": os.getloadavg()},
                   "sizes": rows, "growth_exponents": growth}
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
