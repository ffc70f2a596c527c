"""The monitoring plan at prescribing and on the patient's record: the US label's TB caution,
the class-warnings checklist at the first prescription, TB screenings and skin examinations
recorded with their findings, and the counts the registry's analyst can use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.patients.models import Patient
from repigment.treatment import monitoring
from repigment.treatment.models import Prescription, SkinExam, TbScreening, WarningsReview
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.treatment.helpers import form, ready

pytestmark = pytest.mark.django_db


def new_url(patient: Patient) -> str:
    return reverse("treatment:prescription_new", args=[patient.pk])


def plan_url(patient: Patient) -> str:
    return reverse("treatment:monitoring", args=[patient.pk])


def review(page: object) -> dict[str, object]:
    found = page.context["review"]  # type: ignore[attr-defined]
    assert found is not None, page.context["form"].errors  # type: ignore[attr-defined]
    return {f.rule: f for f in found.findings}


def test_without_a_tb_screening_the_us_label_gives_a_sourced_caution(
    client: Client, world: World
) -> None:
    patient = ready(world, tb_screened=False)
    client.force_login(world.prescriber)
    page = client.post(new_url(patient), form(jurisdiction="FDA"))
    finding = review(page)["fda.tb_screening"]
    assert finding.level == "caution"  # type: ignore[attr-defined]
    assert finding.reference.id == "epocrates-opzelura"  # type: ignore[attr-defined]
    html = page.content.decode()
    assert "latent and active tuberculosis" in html
    assert finding.reference.citation in html  # type: ignore[attr-defined]
    assert not Prescription.objects.exists()
    key = finding.key  # type: ignore[attr-defined]
    client.post(new_url(patient), form(jurisdiction="FDA", acknowledged=[key]))
    assert Prescription.objects.get().acknowledged == [key]


def test_with_a_tb_screening_the_us_label_check_has_no_tb_caution(
    client: Client, world: World
) -> None:
    patient = ready(world)
    client.force_login(world.prescriber)
    page = client.post(new_url(patient), form(jurisdiction="FDA", action="check"))
    assert review(page)["fda.tb_screening"].level == "ok"  # type: ignore[attr-defined]
    eu = client.post(new_url(patient), form(jurisdiction="EMA", action="check"))
    assert "fda.tb_screening" not in review(eu)


def test_the_first_prescription_needs_the_class_warnings_checklist(
    client: Client, world: World
) -> None:
    patient = ready(world, age=55)
    client.force_login(world.prescriber)
    page = client.get(new_url(patient)).content.decode()
    assert 'id="monitoring-checklist"' in page
    for title in ("Serious infections", "Mortality", "Malignancy", "Thrombosis"):
        assert title in page
    refused = client.post(new_url(patient), form(warnings_reviewed=None))
    assert "go through the class-warnings checklist" in refused.content.decode()
    assert not Prescription.objects.exists()
    client.post(new_url(patient), form(risk_factors=["cardiovascular", "smoker"]))
    saved = WarningsReview.objects.get()
    assert saved.risk_factors == ["cardiovascular", "smoker"]
    assert saved.age_years == 55
    assert saved.warnings_that_apply == ["mortality", "malignancy", "mace", "thrombosis"]
    assert saved.prescription == Prescription.objects.get()
    again = client.get(new_url(patient)).content.decode()
    assert "go through the class warnings of the US label" not in again
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()  # a new course replacing the first
    client.post(
        new_url(patient), form(warnings_reviewed=None, replaces_current="on", start_date=tomorrow)
    )
    assert Prescription.objects.count() == 2  # asked once, at the first prescription


def test_an_unknown_risk_factor_is_refused(client: Client, world: World) -> None:
    patient = ready(world)
    client.force_login(world.prescriber)
    page = client.post(new_url(patient), form(risk_factors=["left_handed"]))
    assert page.context["form"].errors["risk_factors"]
    assert not Prescription.objects.exists()


def test_a_tb_screening_is_recorded_audited_and_shown(client: Client, world: World) -> None:
    patient = ready(world, tb_screened=False)
    client.force_login(world.prescriber)
    tested = TODAY() - timedelta(days=3)
    response = client.post(
        plan_url(patient),
        {
            "kind": "tb",
            "tb-test": "igra",
            "tb-tested_on": tested.isoformat(),
            "tb-result": "positive",
            "tb-latent_treatment": "started",
            "tb-next_due": (tested + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    row = TbScreening.objects.get()
    assert (row.result, row.latent_treatment, row.recorded_by) == (
        "positive",
        "started",
        world.prescriber,
    )
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="tb_screening").exists()
    page = client.get(plan_url(patient)).content.decode()
    assert "Positive" in page and "Started" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tb-latent_treatment": "not_needed"}, "latent_treatment"),
        ({"tb-next_due": "2000-01-01"}, "next_due"),
        ({"tb-tested_on": "2999-01-01"}, "tested_on"),
    ],
)
def test_a_bad_tb_screening_is_refused_and_nothing_saved(
    client: Client, world: World, changes: dict[str, str], field: str
) -> None:
    patient = ready(world, tb_screened=False)
    client.force_login(world.prescriber)
    typed = {
        "kind": "tb",
        "tb-test": "igra",
        "tb-tested_on": TODAY().isoformat(),
        "tb-result": "positive",
        "tb-latent_treatment": "completed",
        **changes,
    }
    page = client.post(plan_url(patient), typed)
    assert page.status_code == 200
    errors = page.context["tb_form"].errors
    assert errors.get(field) or errors.get("__all__"), errors
    assert not TbScreening.objects.exists()


def test_a_skin_examination_records_its_finding_and_schedules_the_next(
    client: Client, world: World
) -> None:
    patient = ready(world)
    client.force_login(world.prescriber)
    base = {
        "kind": "skin",
        "skin-examined_on": TODAY().isoformat(),
        "skin-finding": "suspicious",
        "skin-next_due": (TODAY() + timedelta(weeks=26)).isoformat(),
    }
    page = client.post(plan_url(patient), base)
    assert page.context["skin_form"].errors["finding_note"]
    assert not SkinExam.objects.exists()
    client.post(plan_url(patient), {**base, "skin-finding_note": "Pearly papule, left cheek: BCC?"})
    exam = SkinExam.objects.get()
    assert exam.finding_note.startswith("Pearly papule")
    assert monitoring.status_for(patient).skin_due == TODAY() + timedelta(weeks=26)


def test_the_patient_record_shows_the_monitoring_plan(client: Client, world: World) -> None:
    patient = ready(world, tb_screened=False)
    client.force_login(world.prescriber)
    client.post(new_url(patient), form(risk_factors=["prior_phototherapy"]))
    page = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Tuberculosis screening" in page and "None recorded." in page
    assert "Skin cancer risk factors:" in page and "Earlier phototherapy" in page
    assert plan_url(patient) in page


def test_the_analyst_counts_screenings_done(world: World) -> None:
    patient = ready(world)
    SkinExam.objects.create(
        patient=patient,
        examined_on=TODAY(),
        finding="skin_cancer",
        finding_note="BCC",
        next_due=TODAY() + timedelta(days=90),
    )
    counts = monitoring.screening_counts([patient.pk])
    assert counts == {
        "tb_screenings": 1,
        "patients_tb_screened": 1,
        "tb_positive": 0,
        "skin_exams": 1,
        "patients_skin_examined": 1,
        "skin_cancers_found": 1,
    }
    assert monitoring.screening_counts([])["tb_screenings"] == 0


def test_label_check_reasons_are_shown_in_the_readers_language(
    client: Client, world: World
) -> None:
    patient = ready(world, tb_screened=False)
    client.force_login(world.prescriber)
    page = client.post(
        new_url(patient), form(jurisdiction="FDA", action="check"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = page.content.decode()
    assert "Âge 15 ans : 12 ans ou plus." in html
    assert "Aucun dépistage de la tuberculose enregistré" in html
    assert "Aged 15: 12 or older." not in html
    finding = review(page)["fda.age"]
    assert finding.reason == "Aged 15: 12 or older."  # stored in English, shown translated
    english = client.post(new_url(patient), form(jurisdiction="FDA", action="check"))
    assert "Aged 15: 12 or older." in english.content.decode()
    eu = client.post(
        new_url(patient), form(jurisdiction="EMA", action="check"), HTTP_ACCEPT_LANGUAGE="pt"
    ).content.decode()
    assert "Sem hipersensibilidade ao ruxolitinib nem aos excipientes (" in eu
    assert "dentro de duas bisnagas de 100 g em qualquer mês civil" in eu
    checklist = client.get(new_url(patient), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Infections graves" in checklist and "facteur de risque cardiovasculaire" in checklist
