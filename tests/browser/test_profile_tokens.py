"""Making an API token on the profile page: its lifetime, read-only, and its expiry shown."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from repigment.accounts.demo import DEMO_PASSWORD
from repigment.accounts.models import ApiToken
from repigment.core.templatetags.dates import day_text
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_prescriber_makes_a_read_only_token_for_30_days(page: Any) -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    log_in(page, "prescriber@example.org", DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + "/profile/")
    page.get_by_label("What is this token for?").fill("monthly report")
    page.get_by_label("Valid for (days)").fill("30")
    page.get_by_label("Read-only").check()
    page.get_by_role("button", name="Create token").click()
    assert page.locator("#new-token").inner_text().startswith("rpg_")
    token = ApiToken.objects.get(name="monthly report")
    assert token.read_only and token.expires - token.created == timedelta(days=30)
    row = page.get_by_role("row", name="monthly report")
    with translation.override("en"):
        expiry = day_text(timezone.localdate(token.expires))  # as the page writes dates
    assert expiry in row.inner_text() and "read only" in row.inner_text()
