"""The maintainer's page: what is due for re-checking, and recording a re-check (staff only)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from repigment.access.loader import load_countries
from repigment.access.models import ChecklistItem, Fact
from repigment.accounts.models import AuditEntry, User
from repigment.clinical.provenance import due_for_recheck, months_before
from repigment.clinical.references import REFERENCES
from repigment.knowledge import provenance
from repigment.knowledge.models import SourceCheck
from tests.conftest import World

URL = "/maintain/sources/"
RECHECK = "/maintain/sources/recheck/"


@pytest.fixture
def maintainer(world: World) -> User:
    return User.objects.create_user(
        "content@site.test", "x" * 16, full_name="Content Keeper", is_staff=True
    )


def test_the_rule_is_unrecorded_or_more_than_twelve_months_old() -> None:
    today = date(2026, 12, 4)
    assert due_for_recheck(None, today)
    assert not due_for_recheck(date(2025, 12, 4), today)
    assert due_for_recheck(date(2025, 12, 3), today)
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_the_page_lists_what_is_due_and_not_what_is_fresh(client: Client, maintainer: User) -> None:
    load_countries()
    today = timezone.localdate()
    fresh, stale = Fact.objects.all()[:2]
    Fact.objects.filter(pk=fresh.pk).update(read_on=today, read_by="Someone")
    Fact.objects.filter(pk=stale.pk).update(read_on=today - timedelta(days=400), read_by="Old")
    client.force_login(maintainer)
    html = client.get(URL, {"facts": 1}).content.decode()
    due_facts = provenance.due_facts(today)
    assert stale in due_facts and fresh not in due_facts
    assert f'data-kind="country_fact" data-key="{fresh.pk}"' not in html
    unrecorded = [ref for ref in REFERENCES.values() if ref.read.on is None]
    assert len(provenance.due_references(today)) >= len(unrecorded)
    counts = html.split('class="acc-counts"')[1].split("</ul>")[0]
    assert f"{due_facts.count()} country fact" in counts


def test_the_page_takes_the_same_few_queries_however_much_is_due(
    client: Client, maintainer: User, django_assert_max_num_queries: object
) -> None:
    load_countries()
    client.force_login(maintainer)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get(URL).status_code == 200
    Fact.objects.update(read_on=None)
    ChecklistItem.objects.update(read_on=None)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        html = client.get(URL).content.decode()
    assert html.count('data-kind="country_fact"') == 25, "one page of 25, the rest paged"


def test_re_checking_a_country_fact_records_the_day_the_person_and_an_audit_entry(
    client: Client, maintainer: User
) -> None:
    load_countries()
    fact = Fact.objects.filter(country__code="ZA").first()
    assert fact is not None
    Fact.objects.filter(pk=fact.pk).update(read_on=None)
    client.force_login(maintainer)
    response = client.post(RECHECK, {"kind": "country_fact", "key": fact.pk, "note": "moved"})
    assert response.status_code == 302 and response["Location"] == URL
    fact.refresh_from_db()
    today = timezone.localdate()
    assert fact.read_on == today and fact.read_by.startswith("Content Keeper")
    check = SourceCheck.objects.get()
    assert (check.kind, check.key, check.checked_by, check.checked_on) == (
        "country_fact",
        str(fact.pk),
        maintainer,
        today,
    )
    assert check.previous_on is None and check.note == "moved" and check.subject == fact.text[:300]
    entry = AuditEntry.objects.get(object_type="source_check.country_fact")
    assert entry.actor == maintainer and entry.object_id == str(fact.pk)
    page = client.get(reverse("access:country_detail", kwargs={"code": "za"})).content.decode()
    assert f'<time datetime="{today:%Y-%m-%d}">' in page
    assert "Recently re-checked" in client.get(URL).content.decode()


def test_re_checking_a_reference_shows_the_new_day_on_the_public_pages(
    client: Client, maintainer: User
) -> None:
    ref = next(ref for ref in REFERENCES.values() if ref.read.on is None)
    client.force_login(maintainer)
    client.post(RECHECK, {"kind": "reference", "key": ref.id})
    today = timezone.localdate()
    assert provenance.reference_readings([ref.id])[ref.id].on == today
    html = client.get("/en/references/").content.decode()
    item = html.split(f'id="r-{ref.id}"')[1].split("</li>")[0]
    assert f'sourced on <time datetime="{today:%Y-%m-%d}">' in item
    assert SourceCheck.objects.get().previous_on is None


def test_a_re_check_of_something_unknown_changes_nothing(client: Client, maintainer: User) -> None:
    client.force_login(maintainer)
    for data in (
        {"kind": "reference", "key": "no-such-reference"},
        {"kind": "country_fact", "key": "999999"},
        {"kind": "country_fact", "key": "abc"},
        {"kind": "planet", "key": "1"},
        {"kind": "reference"},
    ):
        response = client.post(RECHECK, data, follow=True)
        assert response.status_code == 200
        assert "nothing was recorded" in response.content.decode() or "could not be recorded" in (
            response.content.decode()
        ), data
    assert not SourceCheck.objects.exists()
    assert not AuditEntry.objects.filter(object_type__startswith="source_check").exists()


def test_only_site_administrators_may_re_check(client: Client, world: World) -> None:
    ref = next(iter(REFERENCES))
    for user in (world.prescriber, world.clinic_admin, world.auditor, world.patient_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(RECHECK, {"kind": "reference", "key": ref}).status_code == 403
    assert not SourceCheck.objects.exists()


def test_re_checks_are_append_only(maintainer: User) -> None:
    from repigment.core.appendonly import AppendOnlyError

    check = provenance.record_recheck(maintainer, "reference", next(iter(REFERENCES)), date.today())
    with pytest.raises(AppendOnlyError):
        check.note = "changed"
        check.save()
    with pytest.raises(AppendOnlyError):
        SourceCheck.objects.all().delete()
