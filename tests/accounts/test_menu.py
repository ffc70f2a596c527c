"""One menu per person (accounts.menu, issue 18): every page they open shows the same links,
built from their roles, with authorisations and adverse events one click away."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import User
from tests.conftest import World


def menu_of(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, flags=re.S)
    assert nav, "no main menu"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


def menus(client: Client, user: User, urls: list[str]) -> list[list[tuple[str, str]]]:
    client.force_login(user)
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found.append(menu_of(response.content.decode()))
    return found


@pytest.mark.parametrize("role", ["prescriber", "pharmacist", "clinic_admin"])
def test_each_role_sees_one_menu_on_every_page(client: Client, world: World, role: str) -> None:
    clinic = world.clinic.pk
    pages = {
        "prescriber": [
            reverse("accounts:dashboard"),
            reverse("patients:list"),
            reverse("authorisations:pipeline", args=[clinic]),
            reverse("safety:clinic_events", args=[clinic]),
            reverse("reminders:list"),
            reverse("accounts:profile"),
        ],
        "pharmacist": [
            reverse("accounts:dashboard"),
            reverse("supply:stock"),
            reverse("supply:order_list"),
            reverse("supply:dispensing_list"),
            reverse("supply:catalogue"),
            reverse("accounts:profile"),
        ],
        "clinic_admin": [
            reverse("accounts:dashboard"),
            reverse("patients:list"),
            reverse("authorisations:pipeline", args=[clinic]),
            reverse("accounts:clinic_members", args=[clinic]),
        ],
    }[role]
    seen = menus(client, getattr(world, role), pages)
    assert all(menu == seen[0] for menu in seen), seen
    urls = [url for url, _label in seen[0]]
    if role == "prescriber":
        assert reverse("authorisations:pipeline", args=[clinic]) in urls
        assert reverse("safety:clinic_events", args=[clinic]) in urls
        assert reverse("supply:stock") not in urls
    if role == "pharmacist":
        assert reverse("supply:dispensing_list") in urls and reverse("supply:stock") in urls
        assert reverse("patients:list") not in urls
    if role == "clinic_admin":
        assert reverse("accounts:clinic_members", args=[clinic]) in urls
        assert reverse("authorisations:pipeline", args=[clinic]) in urls
    assert len(urls) == len(set(urls))


def test_every_menu_link_opens_for_its_person(client: Client, world: World) -> None:
    for user in (world.prescriber, world.pharmacist, world.clinic_admin, world.analyst):
        client.force_login(user)
        menu = menu_of(client.get(reverse("accounts:dashboard")).content.decode())
        for url, label in menu:
            if url.startswith("/"):
                assert client.get(url).status_code == 200, (user.email, label, url)
