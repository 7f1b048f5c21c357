"""JSON Schema of every file kind, for editors (`handouts schema`): made from the same pydantic models that
validate the files, so what an editor autocompletes and checks is exactly what a build accepts."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from handouts.config.schema import CONFIG_SCHEMAS
from handouts.content.schema import CONTENT_SCHEMAS

SCHEMAS: dict[str, type[BaseModel]] = {**CONFIG_SCHEMAS, **CONTENT_SCHEMAS}
KINDS: tuple[str, ...] = ("layout", "fonts", "language", "topic", "figures", "clinic", "front-matter")
assert set(KINDS) == set(SCHEMAS)
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind; pydantic writes the fields, their constraints and
    descriptions."""
    model = SCHEMAS[kind]
    schema = model.model_json_schema()
    return {"$schema": DIALECT, "$id": f"handouts-{kind}.schema.json", "title": f"handouts {kind}",
            "description": (model.__doc__ or "").strip().splitlines()[0], **{k: v for k, v in schema.items()
                                                                               if k not in ("title", "description")}}


def json_schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_file_name(kind: str) -> str:
    """The file `handouts schema -o DIR` writes, which a YAML file names with
    `# yaml-language-server: $schema=DIR/<kind>.schema.json`."""
    return f"{kind}.schema.json"
