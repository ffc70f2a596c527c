"""Schemathesis over the whole OpenAPI document, as a prescriber and as a pharmacist (tokens).

Every generated request must answer without a server error, with a status code, content type
and body that the document promises. The normal test run sends a few cases per operation;
CI's full run (``.ci/run``) sets ``REPIGMENT_SCHEMATHESIS_EXAMPLES`` for at least 2,000 cases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from repigment.accounts.models import ApiToken
from tests.conftest import World
from tests.interop.openapi import document

pytestmark = pytest.mark.schemathesis

EXAMPLES = int(os.environ.get("REPIGMENT_SCHEMATHESIS_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("prescriber", "pharmacist")

#: CI's full run asks for at least this many generated requests in all.
MIN_CASES = int(os.environ.get("REPIGMENT_SCHEMATHESIS_MIN_CASES", "0"))
SENT: list[tuple[str, int]] = []  # (role, status) of every generated request

schema = schemathesis.openapi.from_dict(document())
schema.app = get_wsgi_application()


@pytest.fixture(scope="module", autouse=True)
def _enough_cases() -> Iterator[None]:
    yield
    print(f"\nschemathesis: {len(SENT)} generated requests, none contradicting the document")
    assert len(SENT) >= MIN_CASES, f"only {len(SENT)} generated requests, {MIN_CASES} wanted"
    if len(SENT) > 100:  # the tokens work: each role was let in somewhere
        for role in {r for r, _status in SENT}:
            assert any(r == role and status < 300 for r, status in SENT), role


@pytest.fixture
def tokens(world: World) -> Iterator[dict[str, str]]:
    """Tokens for each role; requests keep the test's connection, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {role: ApiToken.issue(getattr(world, role), "schemathesis")[1] for role in ROLES}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_document_says(
    case: schemathesis.Case, role: str, tokens: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {tokens[role]}", "Accept-Encoding": "identity"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    SENT.append((role, response.status_code))
