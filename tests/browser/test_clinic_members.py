"""A clinic administrator, on a phone (390 px) and with the keyboard alone, invites a new
member of staff (the invitation's link arrives by e-mail, can be sent again and opens the
account) and removes a member's role through the confirmation page; the clinic's last
administrator cannot be removed. Every page is checked for sideways scrolling, console
errors and axe findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from repigment.accounts.models import Membership, Role, User
from tests.browser.conftest import log_in
from tests.browser.walk import PHONE_WIDTH, check_page, watch
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Tab presses allowed to reach a control before the page counts as not keyboard-operable.
MAX_TABS = 80


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    watch(tab)
    tab.base_url = live_server.url
    yield tab
    context.close()


def tab_to(page: Any, target: Any) -> None:
    """Press Tab until ``target`` has the focus, as someone without a mouse would."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def press(page: Any, target: Any) -> None:
    """Reach ``target`` with Tab and press Enter on it; wait for the page it opens."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_an_administrator_invites_and_removes_with_the_keyboard_on_a_phone(
    phone: Any, world: World
) -> None:
    clinic = world.clinic
    log_in(phone, world.clinic_admin.email, PASSWORD)
    phone.wait_for_url("**/dashboard/")
    check_page(phone)
    press(phone, phone.get_by_role("link", name=f"Members and roles of {clinic.name}"))
    phone.wait_for_url(f"**/clinics/{clinic.pk}/members/")
    check_page(phone)

    # Invite: the form, typed; the role chosen by typing its first letters.
    press(phone, phone.get_by_role("link", name="Invite a member of staff by e-mail"))
    check_page(phone)
    tab_to(phone, phone.get_by_label("E-mail"))
    phone.keyboard.type("sister@jhb.test")
    phone.keyboard.press("Tab")
    phone.keyboard.type("Sister Dlamini")
    phone.keyboard.press("Tab")
    phone.keyboard.type("Pharm")
    assert phone.get_by_label("Role").input_value() == Role.PHARMACIST
    press(phone, phone.get_by_role("button", name="Send the invitation"))
    phone.wait_for_url(f"**/clinics/{clinic.pk}/members/")
    assert "Invitation sent to sister@jhb.test." in phone.locator("main").inner_text()
    row = phone.get_by_role("row", name=re.compile("Sister Dlamini"))
    assert "invited, not yet active" in row.inner_text()
    check_page(phone)

    # A new link for an invitation that lapsed (or went astray).
    press(phone, phone.get_by_role("button", name="Send a new link to Sister Dlamini"))
    assert (
        "A new invitation link was sent to sister@jhb.test." in phone.locator("main").inner_text()
    )
    check_page(phone)

    # The invited person's newest link opens the account.
    assert [m.to for m in mail.outbox] == [["sister@jhb.test"]] * 2
    invited = mail.outbox[-1]
    assert invited.to == ["sister@jhb.test"]
    link = re.search(r"https?://\S+/accounts/invit\S+", invited.body)
    assert link is not None, invited.body
    newcomer = phone.context.browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800})
    try:
        own = newcomer.new_page()
        own.goto(link.group(0))
        own.get_by_label("New password", exact=True).fill("a long new password 4 sister")
        own.get_by_label("New password confirmation").fill("a long new password 4 sister")
        own.get_by_role("button", name="Continue").click()
        own.wait_for_url("**/accounts/login/**")
    finally:
        newcomer.close()
    assert User.objects.get(email="sister@jhb.test").is_active

    # Remove a role: the first step only asks; the second removes.
    prescriber = Membership.objects.get(user=world.prescriber, clinic=clinic)
    press(phone, phone.get_by_role("link", name="Remove Prescriber role of Prescriber Jhb"))
    phone.wait_for_url(f"**/members/{prescriber.pk}/remove/")
    assert "Remove the role Prescriber of Prescriber Jhb" in phone.locator("main").inner_text()
    check_page(phone)
    press(phone, phone.get_by_role("button", name="Yes, remove this role"))
    phone.wait_for_url(f"**/clinics/{clinic.pk}/members/")
    assert "Membership removed." in phone.locator("main").inner_text()
    assert not Membership.objects.filter(pk=prescriber.pk).exists()
    check_page(phone)

    # The clinic's only administrator: the page says why it cannot be removed.
    press(phone, phone.get_by_role("link", name="Remove Clinic administrator role of Admin Jhb"))
    refusal = phone.get_by_role("alert")
    assert "cannot remove your own administrator role" in refusal.inner_text()
    assert phone.get_by_role("button", name="Yes, remove this role").count() == 0
    check_page(phone)
