"""The clinic administrator's, the auditor's and the analyst's homes are their work queues:
only what the data shows as theirs, counted, each item a link to where it is done."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Role, User
from repigment.core.models import Job, JobState
from repigment.treatment.models import Prescription, TubePrice
from tests.conftest import World
from tests.patients.helpers import consent
from tests.safety.helpers import cream


def home(client: Client, user: User) -> str:
    client.force_login(user)
    return client.get(reverse("accounts:dashboard")).content.decode()


def groups(page: str) -> list[str]:
    return re.findall(r'data-group="([a-z_]+)"', page)


def block(page: str, group: str) -> str:
    return page.split(f'data-group="{group}"', 1)[1].split("</section>", 1)[0]


def count(page: str, group: str) -> int:
    return int(re.search(r'data-count="(\d+)"', block(page, group)).group(1))  # type: ignore[union-attr]


def prescribe(world: World, grams: int = 60) -> Prescription:
    return Prescription.objects.create(
        patient=world.patient, product=cream(), start_date=timezone.localdate(),
        treated_areas=[{"region": "face", "bsa_percent": "2"}], planned_weeks=24,
        jurisdiction="FDA", label_overall="ok", tube_grams=grams,
        grams_per_week=Decimal("20"), prescriber=world.prescriber,
    )  # fmt: skip


def test_the_administrator_sees_an_invitation_waiting_then_expired(
    world: World, client: Client
) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("accounts:invite_member", args=[world.clinic.pk])
    client.post(url, {"email": "new@jhb.test", "full_name": "New Nurse", "role": Role.PRESCRIBER})
    page = home(client, world.clinic_admin)
    assert groups(page)[0] == "invitations"
    assert "New Nurse (Prescriber at Johannesburg Test Clinic) has not yet accepted" in page
    User.objects.filter(email="new@jhb.test").update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    assert "the invitation link has expired" in home(client, world.clinic_admin)


def test_the_administrator_sees_members_without_a_second_factor(
    world: World, client: Client
) -> None:
    page = home(client, world.clinic_admin)
    assert count(page, "two_factor") == 4  # prescriber, administrator, analyst, auditor
    User.objects.filter(pk=world.prescriber.pk).update(two_factor_since=timezone.now())
    assert count(home(client, world.clinic_admin), "two_factor") == 3


def test_a_failed_job_links_to_its_page(world: World, client: Client) -> None:
    job = Job.objects.create(kind="redcap-import", key="k1", task_path="x",
                             requester_id=world.clinic_admin.pk, state=JobState.FAILED)  # fmt: skip
    Job.objects.create(kind="redcap-import", key="k2", task_path="x",
                       requester_id=world.prescriber.pk, state=JobState.FAILED)  # fmt: skip
    page = home(client, world.clinic_admin)
    assert count(page, "failed_jobs") == 1
    assert reverse("accounts:job", args=[job.public_id]) in block(page, "failed_jobs")


def test_a_prescribed_tube_size_without_a_price_is_missing_until_priced(
    world: World, client: Client
) -> None:
    assert "prices" not in groups(home(client, world.clinic_admin))
    prescribe(world, 60)
    page = home(client, world.clinic_admin)
    assert "No price for the 60 g tube at Johannesburg Test Clinic: 1 current course" in page
    assert reverse("treatment:prices", args=[world.clinic.pk]) in block(page, "prices")
    TubePrice.objects.create(clinic=world.clinic, tube_grams=60, amount=Decimal("900"),
                             currency="ZAR", source="Quote Q-1", priced_on=timezone.localdate(),
                             recorded_by=world.clinic_admin)  # fmt: skip
    assert "prices" not in groups(home(client, world.clinic_admin))


def test_the_auditor_sees_failed_log_ins_and_exports_counted_with_links_to_the_trail(
    world: World, client: Client
) -> None:
    assert "No failed log-in" in home(client, world.auditor)
    for _ in range(2):
        audit.record(None, AuditAction.LOGIN_FAILED, actor=world.prescriber)
    audit.record(None, AuditAction.EXPORT, object_type="patient", clinic=world.clinic,
                 actor=world.prescriber)  # fmt: skip
    audit.record(None, AuditAction.EXPORT, clinic=world.other_clinic, actor=world.other_prescriber)
    page = home(client, world.auditor)
    assert count(page, "sensitive") == 3
    assert "Failed log-in: 2" in page and "Exported: 1" in page
    assert "?action=login_failed&amp;date_from=" in page


def test_the_analyst_sees_reports_and_how_many_patients_consent(
    world: World, client: Client
) -> None:
    consent(world.patient)
    job = Job.objects.create(kind="file:registry-report", key="r1", task_path="x",
                             requester_id=world.analyst.pk, state=JobState.SUCCEEDED)  # fmt: skip
    page = home(client, world.analyst)
    assert groups(page) == ["reports", "consent"]
    assert "Registry report ready to download" in page
    assert reverse("accounts:job", args=[job.public_id]) in page
    assert "1 patient consents to registry use" in page
