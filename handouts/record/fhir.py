"""FHIR R4 records of leaflets: one `DocumentReference` per PDF and a `Bundle` (type `collection`) of a build.

A practice system imports these to file a leaflet in a patient's record, or to offer the library, without parsing
file names. Plain data in, JSON-ready dicts out: no I/O here, so the same function serves a build, a personalised
copy and the bundle, and the output depends only on its arguments (same bytes on every rebuild).

Codes, and where they come from (never invented):
- `type`: LOINC 69730-0 "Instructions" (https://loinc.org/69730-0/), a term of the LOINC Document Ontology
  (class DOC.ONTOLOGY; Instructions:Find:Pt:{Setting}:Doc:{Role}) whose definition is "instructions given to a
  patient ... about not resuming normal activities, potential complications, use of medications, follow-up".
  It is the type the Danish eHealth Infrastructure IG binds for patient material in DocumentReference.type
  (ValueSet ehealth-document-reference-type). LOINC has no narrower document code for an education handout.
- `category`: R4 binds DocumentReference.category to the Document Class Value Set at *example* strength, and no
  LOINC class code names patient education material, so the category is a text-only CodeableConcept rather than
  a guessed code.
- `docStatus`: `final` for reviewed content, `preliminary` for a draft translation (composition-status).
- `attachment.hash`: base64 of the SHA-1 of the file, as R4's Attachment.hash defines it.
- ids and `fullUrl`: UUID 5 of the document's path in the build (its identity), so a rebuild and every shard
  name a document alike.

A personalised copy's `subject` is a placeholder the practice system replaces with its own Patient reference: the
name typed on the command line is never written here (the file name carries only a keyed hash of it).
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import uuid
from dataclasses import dataclass

LOINC = "http://loinc.org"
TYPE_CODE = "69730-0"
TYPE_DISPLAY = "Instructions"
CATEGORY_TEXT = "Patient education material"
SUFFIX = ".fhir.json"
# The namespace of every id this tool derives: UUID 5 of a URL naming the tool, so ids never collide with another
# generator's UUID 5 of the same path.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/handouts/fhir")
PATIENT_PLACEHOLDER = {"type": "Patient", "reference": "Patient/PLACEHOLDER",
                       "display": "the patient this copy was made for: set by the practice system on import"}


@dataclass(frozen=True)
class LeafletFacts:
    """What a DocumentReference says about one file: everything comes from the document and the file's bytes."""
    identity: str          # the document's path in the build (or the copy's file name): the source of its ids
    url: str               # where the file is, relative to the build's output directory
    title: str
    language: str          # BCP 47, as the language entry's code
    draft: bool            # a draft translation
    date: _dt.datetime     # handouts.dates.build_timestamp: SOURCE_DATE_EPOCH or the publication date
    author: str            # the clinic on a branded copy, else the topic's publisher; "" for none
    data: bytes            # the file itself (for size and hash)
    content_type: str = "application/pdf"
    personal: bool = False


def resource_id(identity: str) -> str:
    """A FHIR id (and urn:uuid) that depends only on the document's identity."""
    return str(uuid.uuid5(NAMESPACE, identity))


def _instant(moment: _dt.datetime) -> str:
    """FHIR `instant`: seconds and a zone are required; UTC is written as Z."""
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_reference(facts: LeafletFacts) -> dict:
    """The DocumentReference of one leaflet file, as a JSON-ready dict in FHIR's element order."""
    rid = resource_id(facts.identity)
    when = _instant(facts.date)
    resource: dict = {
        "resourceType": "DocumentReference",
        "id": rid,
        "language": facts.language,
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{rid}"},
        "status": "current",
        "docStatus": "preliminary" if facts.draft else "final",
        "type": {"coding": [{"system": LOINC, "code": TYPE_CODE, "display": TYPE_DISPLAY}],
                 "text": TYPE_DISPLAY},
        "category": [{"text": CATEGORY_TEXT}],
    }
    if facts.personal:
        resource["subject"] = dict(PATIENT_PLACEHOLDER)
    resource["date"] = when
    if facts.author:
        resource["author"] = [{"type": "Organization", "display": facts.author}]
    resource["description"] = facts.title
    resource["content"] = [{"attachment": {
        "contentType": facts.content_type,
        "language": facts.language,
        "url": facts.url,
        "size": len(facts.data),
        "hash": base64.b64encode(hashlib.sha1(facts.data).digest()).decode("ascii"),
        "title": facts.title,
        "creation": when,
    }}]
    return resource


def bundle(resources: list[dict]) -> dict:
    """A `collection` Bundle of `resources`, in the order given; its id derives from theirs."""
    ids = [resource["id"] for resource in resources]
    return {"resourceType": "Bundle", "id": resource_id("bundle\0" + "\0".join(ids)), "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources]}


def to_json(resource: dict) -> bytes:
    """Canonical bytes: keys in the order built, UTF-8, one trailing newline (same input, same bytes)."""
    return (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
