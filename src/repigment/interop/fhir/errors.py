"""Errors as FHIR OperationOutcome resources."""

from __future__ import annotations

from typing import Any


class FhirError(Exception):
    """Answer ``status`` with an OperationOutcome of one issue (``code`` from FHIR's
    issue-type value set: invalid, not-found, forbidden, login, not-supported, ...)."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics


def outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }
