"""Logging in through the real page, on a phone-sized Chromium."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from repigment.accounts.demo import DEMO_PASSWORD
from repigment.accounts.models import AuditAction, AuditEntry
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())


def test_the_demo_prescriber_logs_in_and_sees_the_dashboard(page: Any, demo_world: None) -> None:
    log_in(page, "prescriber@example.org", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Hello, Dr Thandi Nkosi", exact=True).is_visible()
    assert page.get_by_role("heading", name="Prescriber").is_visible()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN, actor_email="prescriber@example.org"
    ).exists()


def test_a_wrong_password_shows_an_error_and_is_audited(page: Any, demo_world: None) -> None:
    log_in(page, "prescriber@example.org", "not the password")
    alert = page.get_by_role("alert")
    assert "not correct" in alert.inner_text()
    assert "/accounts/login/" in page.url
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_email == "prescriber@example.org"


def test_after_five_wrong_passwords_the_right_one_is_refused_with_a_message(
    page: Any, demo_world: None
) -> None:
    for _ in range(5):
        log_in(page, "prescriber@example.org", "not the password")
    log_in(page, "prescriber@example.org", DEMO_PASSWORD)
    alert = page.get_by_role("alert")
    assert "Too many failed attempts" in alert.inner_text()
    assert page.get_by_role("heading", name="Too many attempts").is_visible()
    assert "/dashboard/" not in page.url
    assert AuditEntry.objects.filter(
        action=AuditAction.LOCKED_OUT, actor_email="prescriber@example.org"
    ).exists()
