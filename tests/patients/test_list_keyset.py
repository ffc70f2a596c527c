"""The patient list pages by keyset on the index that has its order: every page costs the same
queries however deep, Next and Previous walk the whole list without gaps or repeats, and the
database walks the order index instead of sorting the registry."""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from repigment.patients.models import Patient, PatientQuerySet
from tests.conftest import World


def _grow(world: World, count: int) -> None:
    Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic, record_number=f"KS-{n:03}", given_names=f"Given {n % 7}",
            family_name=f"Family {n % 11}", date_of_birth=date(1980, 1, 1), sex="female",
            phototype=6,
        )
        for n in range(count)
    )  # fmt: skip


def _names(body: str) -> list[str]:
    return re.findall(r'href="/patients/(\d+)/"', body)


def test_next_and_previous_walk_every_patient_once_in_order(client: Client, world: World) -> None:
    _grow(world, 60)
    client.force_login(world.prescriber)
    url = reverse("patients:list")
    expected = [
        str(pk)
        for pk in Patient.objects.filter(clinic=world.clinic)
        .order_by("family_name", "given_names", "pk")
        .values_list("pk", flat=True)
    ]
    seen: list[str] = []
    pages: list[str] = []
    query = ""
    while True:
        body = client.get(url + query).content.decode()
        pages.append(query)
        seen += _names(body)
        after = re.search(r'href="\?&amp;after=(\d+)"', body)
        if not after:
            break
        query = f"?after={after.group(1)}"
    assert seen == expected and len(pages) == 3
    assert f"{len(expected)} patients" in client.get(url).content.decode()  # every page's count
    last = client.get(url + pages[-1]).content.decode()
    before = re.search(r'href="\?&amp;before=(\d+)"', last)
    assert before
    back = client.get(f"{url}?before={before.group(1)}").content.decode()
    assert _names(back) == expected[25:50]
    assert ">First<" in back and "after=" in back
    assert "?&amp;before" not in client.get(url).content.decode()  # no Previous on the first


def test_a_deep_page_costs_what_the_first_costs(client: Client, world: World) -> None:
    _grow(world, 60)
    client.force_login(world.prescriber)
    url = reverse("patients:list")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    deep = Patient.objects.order_by("family_name", "given_names", "pk")[40]
    with CaptureQueriesContext(connection) as later:
        response = client.get(url, {"after": deep.pk})
    assert len(later) == len(first) + 1  # the cursor's own keys
    assert "OFFSET" not in " ".join(q["sql"] for q in later.captured_queries)
    assert response.context["page"].has_previous
    assert client.get(url, {"after": "x1"}).context["page"].has_previous is False


def test_the_page_walks_the_list_order_index(world: World) -> None:
    _grow(world, 30)
    mark = Patient.objects.order_by("family_name", "given_names", "pk")[10]
    for clinics in ([world.clinic.pk], [world.clinic.pk, world.other_clinic.pk]):
        _assert_walks_order_index(Patient.objects.in_clinics(clinics), mark)


def _assert_walks_order_index(queryset: PatientQuerySet, mark: Patient) -> None:
    page = queryset.keyset(after=mark.pk, size=5)
    assert len(page) == 5 and page.has_previous and page.has_next
    table = Patient._meta.db_table
    where = f'("{table}"."family_name", "{table}"."given_names", "{table}"."id") > (%s, %s, %s)'
    rows = queryset.order_by("family_name", "given_names", "pk").extra(
        where=[where], params=[mark.family_name, mark.given_names, mark.pk]
    )[:6]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "list_order" in plan and "TEMP B-TREE" not in plan, plan
        else:
            # Tiny tables: ask whether the order index CAN give the order (no Sort needed).
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "list_order" in plan and "Sort" not in plan, plan
