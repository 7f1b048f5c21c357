"""`handouts manifest merge`: the shards of one plan, checked and joined into the manifest of a whole build.

A merge is refused, before anything is written, unless the shards are of the same plan (same tool version and
plan hash, same N), every shard 1..N is there once, no document is in two shards, and together they hold every
document of the plan (the plan hash recomputed from the union of the entries equals the recorded one), each entry's
file having the recorded hash. The combined manifest has no shard fields, so it is byte for byte the manifest a
single-machine build writes. When the output directory is not one of the shards, the shards' files are copied
into it (each atomically, each path confined to the output directory); a shard's own folder is never written to
unless it is the output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from handouts.build.fhir_output import record_path
from handouts.build.locking import output_lock
from handouts.build.matrix import MANIFEST, atomic_write, check_writable, entry_path, intact, write_manifest
from handouts.build.shard import MAX_SHARDS, plan_identity
from handouts.confine import confined
from handouts.errors import HandoutsError


@dataclass(frozen=True)
class ShardManifest:
    directory: Path
    generator: str
    shard: tuple[int, int]      # (K, N)
    plan: dict                  # tool, hash, documents
    entries: dict[str, dict]


def read_shard(directory: Path) -> ShardManifest:
    """One shard's manifest, checked for the shard fields and for every entry's file."""
    path = confined(directory, MANIFEST, what="manifest", source=directory, error=HandoutsError,
                    hint="it is a symlink out of the shard's folder; remove it")
    hint = "give the --out folder of a `handouts build --shard K/N`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HandoutsError("no manifest.json: not a build's output folder", path=directory, hint=hint) from None
    except (ValueError, OSError):
        raise HandoutsError("the manifest cannot be read as JSON", path=path, hint=hint) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise HandoutsError("not a manifest: no 'documents' list", path=path, hint=hint)
    shard, plan = data.get("shard"), data.get("plan")
    if not isinstance(shard, str) or not isinstance(plan, dict):
        raise HandoutsError("not a shard's manifest: it has no 'shard' and 'plan' fields", path=path, hint=hint)
    try:
        index, count = (int(part) for part in shard.split("/"))
    except ValueError:
        raise HandoutsError(f"field 'shard' {shard!r} is not K/N", path=path, hint=hint) from None
    if not 1 <= index <= count <= MAX_SHARDS:
        raise HandoutsError(f"field 'shard' {shard!r} is not K/N with 1 <= K <= N <= {MAX_SHARDS}", path=path,
                            hint=hint)
    entries: dict[str, dict] = {}
    for position, entry in enumerate(data["documents"]):
        relpath = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(relpath, str):
            raise HandoutsError(f"documents[{position}] has no 'path'", path=path, hint="rebuild that shard")
        if not intact(entry_path(directory, relpath), entry):
            raise HandoutsError(f"{relpath} does not match its manifest entry (missing or changed)", path=path,
                                hint="rebuild that shard")
        entries[relpath] = entry
    return ShardManifest(directory, str(data.get("generator")), (index, count), plan, entries)


def check_shards(shards: list[ShardManifest]) -> dict[str, tuple[ShardManifest, dict]]:
    """Every document of the plan, once, with the shard that holds it; any mismatch is one line."""
    first = shards[0]
    for other in shards[1:]:
        for what, mine, theirs in (("tool", first.generator, other.generator),
                                   ("plan hash", first.plan.get("hash"), other.plan.get("hash")),
                                   ("shard count", first.shard[1], other.shard[1])):
            if mine != theirs:
                raise HandoutsError(f"{other.directory} is of another plan than {first.directory}: {what} "
                                    f"{theirs} instead of {mine}",
                                    hint="merge the shards of one build, made from the same inputs and options")
    count = first.shard[1]
    seen: dict[int, Path] = {}
    for shard in shards:
        index = shard.shard[0]
        if index in seen:
            raise HandoutsError(f"shard {index}/{count} is given twice: {seen[index]} and {shard.directory}",
                                hint="give each shard's folder once")
        seen[index] = shard.directory
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise HandoutsError(f"shard(s) {', '.join(missing)} of {count} missing",
                            hint="give the folder of every shard of the build")
    union: dict[str, tuple[ShardManifest, dict]] = {}
    for shard in shards:
        for relpath, entry in shard.entries.items():
            if relpath in union:
                raise HandoutsError(f"{relpath} is in two shards: {union[relpath][0].directory} and "
                                    f"{shard.directory}", hint="shards of one plan are disjoint; rebuild them")
            union[relpath] = (shard, entry)
    expected = first.plan.get("documents")
    identity = plan_identity({path: entry.get("input_hash", "") for path, (_, entry) in union.items()})
    if len(union) != expected or identity.hash != first.plan.get("hash"):
        which = "" if len(union) != expected else " (other documents or input hashes)"
        raise HandoutsError(f"the shards hold {len(union)} document(s), but their plan has {expected}{which}",
                            hint="a shard's build failed, was interrupted or changed; rebuild it")
    return union


def merge_shards(directories: list[Path], out_dir: Path) -> int:
    """Check the shards, copy their files into `out_dir` unless they are there, and write the combined manifest.
    Returns how many documents it names."""
    union = check_shards([read_shard(directory) for directory in directories])
    check_writable(out_dir)
    target_root = out_dir.resolve()
    with output_lock(out_dir):
        # Until the end the manifest names only files already in place, so a stop in between misdescribes none.
        write_manifest(out_dir, {relpath: entry for relpath, (shard, entry) in union.items()
                                 if shard.directory.resolve() == target_root})
        for relpath, (shard, entry) in union.items():
            if shard.directory.resolve() == target_root:
                continue
            target = confined(out_dir, relpath, what="output", source=out_dir, error=HandoutsError,
                              hint="a folder in the output directory is a symlink out of it; remove it")
            source = entry_path(shard.directory, relpath)
            record = record_path(source) if entry.get("fhir") is not None else None   # checked by intact()
            try:
                data = source.read_bytes()
                record_data = record.read_bytes() if record is not None else None
            except OSError as exc:
                raise HandoutsError(f"cannot read: {exc.strerror}", path=Path(exc.filename or source),
                                    hint="check the shard folder's permissions") from None
            atomic_write(target, data)
            if record_data is not None:
                atomic_write(record_path(target), record_data)
        write_manifest(out_dir, {relpath: entry for relpath, (_, entry) in union.items()})
    return len(union)
