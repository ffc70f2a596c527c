"""The CapabilityStatement: exactly the types, interactions and parameters the server serves."""

from __future__ import annotations

from typing import Any

from repigment.interop.fhir import codes
from repigment.interop.fhir.types import TYPES

#: R4's version; the resources follow R4 (fhir.resources' R4B models validate them).
FHIR_VERSION = "4.0.1"
BULK = "http://hl7.org/fhir/uv/bulkdata/"
#: Changed by hand whenever what the server offers changes.
PUBLISHED = "2026-12-04"

COMMON_PARAMS = [
    (
        "_count",
        "number",
        "Results per page, 1 to 500 (default 50); the Bundle's next link gives the following page.",
    ),
]


def _resource(name: str) -> dict[str, Any]:
    kind = TYPES[name]
    params = [
        {"name": p.name, "type": p.kind, "documentation": p.documentation}
        for p in kind.params.values()
    ]
    params += [{"name": n, "type": t, "documentation": d} for n, t, d in COMMON_PARAMS]
    resource: dict[str, Any] = {
        "type": name,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": params,
    }
    if kind.includes:
        resource["searchInclude"] = [f"{name}:{param}" for param in kind.includes]
    if name == "Patient":
        resource["operation"] = [
            {
                "name": "everything",
                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            },
            {"name": "export", "definition": BULK + "OperationDefinition/patient-export"},
        ]
    return resource


def capability_statement(base: str) -> dict[str, Any]:
    resources = [_resource(name) for name in TYPES]
    resources.append({"type": "CodeSystem", "interaction": [{"code": "read"}]})
    resources.append(
        {
            "type": "Group",
            "documentation": "A clinic's patients, by the clinic's Organization id; only for "
            "$export.",
            "operation": [
                {"name": "export", "definition": BULK + "OperationDefinition/group-export"}
            ],
        }
    )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED,
        "publisher": "Repigment",
        "kind": "instance",
        "software": {"name": "Repigment"},
        "implementation": {"description": "Repigment FHIR R4 server (read only)", "url": base},
        "instantiates": [BULK + "CapabilityStatement/bulk-data"],
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read and search only. Each search parameter listed works; "
                "any other is refused with 400. Scores use the code system "
                f"{codes.VITILIGO_SYSTEM} (CodeSystem/{codes.CODE_SYSTEM_ID}).",
                "security": {
                    "description": "An API token with the fhir scope, as "
                    "Authorization: Bearer <token>; the holder sees what their clinic roles "
                    "allow on the pages."
                },
                "resource": resources,
                "operation": [
                    {"name": "export", "definition": BULK + "OperationDefinition/export"}
                ],
            }
        ],
    }
