"""Splitting one plan across the machines of a CI job matrix (`build --shard K/N`).

Every shard plans the whole matrix and keeps its share, so N machines that are given the same content, layouts and
options agree on the split without talking to each other. The split must therefore depend only on what every
machine sees alike: each document's identity and a cost estimate read from the content tree (never from a previous
manifest, which each machine's cache may hold differently). Documents are sorted by estimated cost, heaviest
first, ties broken by a stable hash of the document's path, and dealt greedily to the least-loaded shard, so the
shards finish at about the same time.

The plan's identity (tool version and a hash of every document's path and input hash) goes into each shard's
manifest, so that `manifest merge` can tell shards of one plan from shards of another.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from handouts import __version__
from handouts.build.plan import Job
from handouts.errors import UsageError

# Relative render time by layout and format: estimates, not measurements (large print has about twice a leaflet's
# pages, a booklet is imposed two-up, a web page skips the PDF writer). Unknown layouts count as a leaflet. Only
# the balance depends on them, never which documents are built.
LAYOUT_WEIGHTS = {"leaflet": 1.0, "large-print": 2.0, "booklet": 1.6, "trifold": 0.8}
FORMAT_WEIGHTS = {"pdf": 1.0, "html": 0.2}
MAX_SHARDS = 1000   # more machines than any clinic group has; a bigger N is a typo, not a plan


@dataclass(frozen=True)
class Shard:
    index: int   # 1-based: K of K/N
    count: int   # N

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`K/N` with 1 <= K <= N; anything else is a usage error naming what was given."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise UsageError(f"--shard {text!r} is not K/N (e.g. 2/5: the second of five shards)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N (N at least 1), e.g. 1/{max(count, 1)}")
    if count > MAX_SHARDS:
        raise UsageError(f"--shard {text!r}: N is at most {MAX_SHARDS}")
    return Shard(index, count)


@dataclass(frozen=True)
class PlanIdentity:
    tool: str        # the tool version that planned it
    hash: str        # sha256 of every document's path and input hash, in path order
    documents: int   # how many documents the whole plan has

    def as_json(self) -> dict:
        return {"tool": self.tool, "hash": self.hash, "documents": self.documents}


def plan_identity(input_hashes: dict[str, str]) -> PlanIdentity:
    """The identity of a whole plan from `{relpath: input_hash}`; `manifest merge` recomputes it from the union
    of the shards' entries, so a missing or foreign document shows as a different hash."""
    digest = hashlib.sha256()
    for relpath in sorted(input_hashes):
        digest.update(f"{relpath}\0{input_hashes[relpath]}\n".encode())
    return PlanIdentity(__version__, digest.hexdigest(), len(input_hashes))


def job_cost(job: Job, content_dir: Path) -> float:
    """An estimate of a document's render time: the size of its Markdown (pages grow with text) times the layout
    and format weights. Only what every shard sees alike, so every shard computes the same split."""
    source = content_dir / job.topic / job.lang / f"{job.level}.md"
    try:
        size = source.stat().st_size
    except OSError:
        size = 0   # a missing file fails that document in whichever shard gets it
    return (1000 + size) * LAYOUT_WEIGHTS.get(job.layout, 1.0) * FORMAT_WEIGHTS.get(job.format, 1.0)


def _stable_key(job: Job) -> str:
    return hashlib.sha256(job.relpath.encode()).hexdigest()


def split(jobs: list[Job], count: int, content_dir: Path) -> list[list[Job]]:
    """All `count` shares of `jobs`: disjoint, together every job once, each in plan order. Heaviest first into
    the least-loaded share (lowest index on a tie): the greedy longest-processing-time rule."""
    costs = {job: job_cost(job, content_dir) for job in jobs}
    loads = [0.0] * count
    shares: list[list[Job]] = [[] for _ in range(count)]
    for job in sorted(jobs, key=lambda j: (-costs[j], _stable_key(j))):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shares[lightest].append(job)
        loads[lightest] += costs[job]
    order = {job: position for position, job in enumerate(jobs)}
    return [sorted(share, key=order.__getitem__) for share in shares]


def shard_jobs(jobs: list[Job], shard: Shard, content_dir: Path) -> list[Job]:
    """This shard's share of the plan."""
    return split(jobs, shard.count, content_dir)[shard.index - 1]
