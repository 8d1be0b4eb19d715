"""Resource ids and references inside one export bundle.

Ids are name-based UUIDs (RFC 4122 version 5) of the record number and what the resource is, so
that exporting the same case twice gives the same ids: a receiving system can tell an update from
a new resource, and a diff of two exports shows what changed. References are ``urn:uuid:`` full
URLs, as a ``collection`` Bundle of resources without a server allows.
"""

from __future__ import annotations

import uuid

# A fixed namespace for tumorboard's export ids (itself uuid5 of the project's name in the URL space).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "tumorboard:fhir-export")


def resource_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def full_url(rid: str) -> str:
    return f"urn:uuid:{rid}"


def reference(rid: str, display: str | None = None) -> dict[str, str]:
    out = {"reference": full_url(rid)}
    if display:
        out["display"] = display
    return out
