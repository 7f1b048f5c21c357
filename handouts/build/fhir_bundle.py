"""`handouts fhir bundle DIR`: one FHIR `collection` Bundle of every DocumentReference a `build --fhir` wrote, for a
practice system to import in one request."""

from __future__ import annotations

import json
from pathlib import Path

from handouts.build.fhir_output import record_path
from handouts.build.matrix import MANIFEST, atomic_write, entry_path, read_manifest
from handouts.errors import HandoutsError
from handouts.record.fhir import bundle, to_json

BUNDLE = "bundle.fhir.json"


def write_bundle(out_dir: Path, output: Path | None = None) -> tuple[Path, int]:
    """The Bundle of OUT's records in manifest order, written atomically to `output` (default
    OUT/bundle.fhir.json); returns where and how many entries. Only entries whose PDF and record still have their
    recorded hashes are read (read_manifest checks them), so the bundle never describes a changed file."""
    hint = "build it with `handouts build --fhir --out DIR` first"
    if not (out_dir / MANIFEST).is_file():
        raise HandoutsError("no manifest.json: not a build's output folder", path=out_dir, hint=hint)
    warnings: list[str] = []
    entries = read_manifest(out_dir, warnings)
    if warnings:   # a manifest read as empty: say why rather than write an empty bundle
        raise HandoutsError(warnings[0].split(": ", 1)[-1], path=out_dir / MANIFEST, hint=hint)
    resources = []
    for relpath in sorted(entries):   # the order write_manifest lists them in
        if entries[relpath].get("fhir") is None:
            continue
        path = record_path(entry_path(out_dir, relpath))
        try:
            resources.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise HandoutsError(f"cannot read the FHIR record: {exc}", path=path, hint=hint) from None
    if not resources:
        raise HandoutsError("the build has no FHIR records", path=out_dir / MANIFEST, hint=hint)
    target = output if output is not None else out_dir / BUNDLE
    atomic_write(target, to_json(bundle(resources)))
    return target, len(resources)
