"""A prescriber turns on two-factor log-in on a 390 px phone, then logs in with a recovery code."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
import zxingcpp
from django_otp.oath import totp
from PIL import Image
from playwright.sync_api import expect

from repigment.accounts.models import AuditAction, AuditEntry
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enrolment_at_390px_then_a_log_in_with_a_recovery_code(
    page: Any, world: World, settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.prescriber.email, PASSWORD)
    # The password step leads straight to enrolment: the role requires a second factor.
    page.wait_for_url("**/accounts/two-factor/?next=*")
    expect(page.get_by_role("heading", name="Turn on two-factor log-in")).to_be_visible()
    key = page.locator("#two-factor-key").inner_text().replace(" ", "")

    # The QR code drawn on the page holds the same key (read back from a screenshot).
    shot = Image.open(io.BytesIO(page.locator(".qr svg").screenshot()))
    found = zxingcpp.read_barcodes(shot)
    assert len(found) == 1
    assert found[0].text.startswith("otpauth://totp/Repigment%3Aprescriber%40jhb.test?")
    assert f"secret={key}" in found[0].text

    # The code an authenticator app would show now.
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Code").fill(f"{totp(secret):06d}")
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text().strip()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/dashboard/")

    page.get_by_role("button", name="Log out").click()
    log_in(page, world.prescriber.email, PASSWORD)
    page.wait_for_url("**/accounts/two-factor/verify/*")
    expect(page.get_by_role("heading", name="Second step of log-in")).to_be_visible()
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_text("Recovery code used; 9 left.")).to_be_visible()
    assert AuditEntry.objects.filter(
        action=AuditAction.RECOVERY_CODE_USED, actor=world.prescriber
    ).exists()
