"""The client's address, as the audit trail records it and throttling counts it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from repigment.accounts.audit import client_address
from repigment.accounts.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD, World

PROXY = "10.0.0.1"


def _address(peer: str, forwarded: str | None = None) -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=peer, **headers))


def test_without_trusted_proxies_the_forwarded_header_is_ignored() -> None:
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=frozenset({PROXY}))
def test_behind_a_trusted_proxy_the_address_it_saw_is_taken() -> None:
    assert _address(PROXY, "198.51.100.1") == "198.51.100.1"
    # A client's own X-Forwarded-For is further left, and not believed.
    assert _address(PROXY, "192.0.2.66, 198.51.100.1") == "198.51.100.1"
    # Forwarded only by proxies, or garbled: the proxy is all we know.
    assert _address(PROXY, PROXY) == PROXY
    assert _address(PROXY, "not an address") == PROXY
    assert _address(PROXY) == PROXY
    # A peer that is not a trusted proxy cannot claim another address.
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=frozenset({PROXY}))
def test_clients_behind_one_proxy_are_throttled_apart(client: Client, world: World) -> None:
    url = reverse("accounts:login")
    for n in range(20):
        wrong = {"username": f"guess{n % 5}@example.org", "password": "wrong"}
        client.post(url, wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66")
    mine = {"username": world.pharmacist.email, "password": PASSWORD}
    through_proxy = {"REMOTE_ADDR": PROXY}
    refused = client.post(url, mine, **through_proxy, HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert refused.status_code == 429
    allowed = Client().post(url, mine, **through_proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert allowed.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.client_address == "198.51.100.1"
