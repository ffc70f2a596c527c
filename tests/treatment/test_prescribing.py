"""Prescribing on the page: every label finding reaches the form and blocks or asks for what
it should; the server re-runs the check on save and keeps what the prescriber typed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.clinical.references import get_reference
from repigment.patients.models import Consent, ConsentPurpose, Patient
from repigment.treatment import services
from repigment.treatment.models import CoMedication, Prescription, Product
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.treatment.helpers import form, ready, ruxolitinib

pytestmark = pytest.mark.django_db


def new_url(patient: Patient) -> str:
    return reverse("treatment:prescription_new", args=[patient.pk])


def post(client: Client, patient: Patient, **changes: Any) -> Any:
    return client.post(new_url(patient), form(**changes))


def findings(page: Any) -> dict[str, str]:
    """rule -> level of the findings the page was given."""
    review = page.context["review"]
    assert review is not None, page.context["form"].errors
    return {f.rule: f.level for f in review.findings}


def test_a_15_year_old_with_8_percent_under_ema_is_within_the_label_and_saved(
    prescriber: Client, teen: Patient
) -> None:
    check = post(prescriber, teen, action="check")
    html = check.content.decode()
    assert check.context["review"].overall == "ok"
    assert "Aged 15: 12 or older." in html
    assert "28 g a week: within two 100 g tubes in any calendar month." in html
    assert "672 g over 24 weeks: 7 tubes of 100 g" in html
    assert get_reference("rxreasoner-eu-smpc").url in html  # each finding links its source
    assert not Prescription.objects.exists()  # checking saves nothing

    saved = post(prescriber, teen)
    prescription = Prescription.objects.get()
    assert saved.url == reverse("treatment:prescription_detail", args=[prescription.pk])
    assert prescription.label_overall == "ok"
    assert prescription.treated_bsa_percent == 8
    assert prescription.grams_per_week == 28
    assert prescription.tubes == 7
    assert prescription.justification == ""
    assert prescription.label_input["age_years"] == 15
    assert prescription.label_input["vitiligo_type"] == "non-segmental"


def test_areas_typed_with_a_decimal_comma_are_read_as_typed_not_ten_times_more(
    prescriber: Client, teen: Patient
) -> None:
    # 2,5 % face + 5,5 % trunk = 8 %: within the label; read as 25 + 55 it would be 80 %.
    post(prescriber, teen, area_face="2,5", area_trunk="5,5")
    prescription = Prescription.objects.get()
    assert prescription.treated_bsa_percent == 8
    assert prescription.label_overall == "ok"


def test_14_percent_is_outside_the_label_and_nothing_is_saved_until_it_is_justified(
    prescriber: Client, teen: Patient
) -> None:
    typed = {"area_trunk": "12", "notes": "Review the hands at week 12."}
    refused = post(prescriber, teen, **typed)
    assert refused.status_code == 200
    assert not Prescription.objects.exists()
    assert findings(refused)["ema.bsa"] == "outside_label"
    assert findings(refused)["ema.quantity"] == "outside_label"
    errors = refused.context["form"].errors["justification"]
    assert errors == [
        "Outside the label (up to 10% body surface area; two 100 g tubes per month): write why "
        "you prescribe it anyway, in at least 10 characters. Nothing is saved without it."
    ]
    html = refused.content.decode()
    assert "Treated area 14% of body surface: the label allows at most 10%" in html
    assert 'value="12"' in html  # what was typed is kept
    assert "Review the hands at week 12." in html

    too_short = post(prescriber, teen, **typed, justification="ok")
    assert "justification" in too_short.context["form"].errors
    assert not Prescription.objects.exists()

    reason = "Extensive active disease; agreed with the family to treat 14 % for 8 weeks."
    post(prescriber, teen, **typed, justification=reason)
    prescription = Prescription.objects.get()
    assert prescription.label_overall == "outside_label"
    assert prescription.justification == reason


def test_the_justification_is_shown_wherever_the_prescription_is(
    prescriber: Client, teen: Patient
) -> None:
    reason = "Extensive active disease; agreed with the family to treat 14 % for 8 weeks."
    post(prescriber, teen, area_trunk="12", justification=reason)
    prescription = Prescription.objects.get()
    for url in (
        reverse("treatment:prescription_detail", args=[prescription.pk]),
        reverse("patients:detail", args=[teen.pk]),
    ):
        html = prescriber.get(url).content.decode()
        assert reason in html
        assert "Outside the label" in html
    api = prescriber.get(f"/api/v1/prescriptions/{prescription.pk}").json()
    assert api["justification"] == reason


CASES = [
    # (name, patient, form changes, rule, level)
    ("age 11", {"age": 11}, {}, "ema.age", "outside_label"),
    ("segmental", {"vitiligo_type": "segmental"}, {}, "ema.indication", "outside_label"),
    ("unclassified", {"vitiligo_type": "unclassified"}, {}, "fda.indication", "outside_label"),
    ("face spared (EU)", {"face": False}, {}, "ema.facial_involvement", "outside_label"),
    ("11 % BSA", {}, {"area_trunk": "9"}, "ema.bsa", "outside_label"),
    ("pregnant (EU)", {}, {"pregnant": "yes"}, "ema.pregnancy", "outside_label"),
    ("pregnant (US)", {}, {"pregnant": "yes"}, "fda.pregnancy", "caution"),
    ("breastfeeding (EU)", {}, {"breastfeeding": "yes"}, "ema.breastfeeding", "outside_label"),
    ("breastfeeding (US)", {}, {"breastfeeding": "yes"}, "fda.breastfeeding", "outside_label"),
    ("infection (US)", {}, {"active_serious_infection": "yes"}, "fda.infection", "outside_label"),
    ("infection (EU)", {}, {"active_serious_infection": "yes"}, "ema.infection", "caution"),
    ("15 % BSA, 100 g (US)", {}, {"area_trunk": "13"}, "fda.quantity", "outside_label"),
    ("occlusion (US)", {}, {"occlusive_dressing": "yes"}, "fda.occlusion", "outside_label"),
    ("occlusion (EU)", {}, {"occlusive_dressing": "yes"}, "ema.occlusion", "caution"),
    (
        "hypersensitive (EU)",
        {},
        {"hypersensitivity": "yes"},
        "ema.hypersensitivity",
        "outside_label",
    ),
    ("end-stage renal (EU)", {}, {"end_stage_renal_disease": "yes"}, "ema.renal", "outside_label"),
    ("contraception (EU)", {}, {"childbearing_potential": "yes"}, "ema.contraception", "caution"),
]


@pytest.mark.parametrize(
    ("patient_kw", "changes", "rule", "level"),
    [pytest.param(p, c, r, lv, id=name) for name, p, c, r, lv in CASES],
)
def test_each_finding_reaches_the_form_and_blocks_or_demands_what_it_should(
    client: Client,
    world: World,
    patient_kw: dict[str, Any],
    changes: dict[str, str],
    rule: str,
    level: str,
) -> None:
    patient = ready(world, **patient_kw)
    client.force_login(world.prescriber)
    changes = {**changes, "jurisdiction": rule[:3].upper()}
    page = post(client, patient, **changes)
    assert findings(page)[rule] == level
    finding = next(f for f in page.context["review"].findings if f.rule == rule)
    assert finding.reason in page.content.decode()
    assert finding.reference is not None
    assert not Prescription.objects.exists(), "saved without acknowledgement or justification"
    if level == "caution":
        assert page.context["form"].extra["acknowledged"]
        keys = [f.key for f in page.context["review"].cautions]
        post(client, patient, **changes, acknowledged=keys)
        assert Prescription.objects.get().acknowledged == sorted(keys)
    else:
        assert page.context["form"].errors["justification"]
        post(client, patient, **changes, justification="Discussed at length; documented.")
        assert Prescription.objects.get().label_overall == "outside_label"


def test_a_caution_needs_its_own_acknowledgement_not_any_tick(
    prescriber: Client, teen: Patient
) -> None:
    CoMedication.objects.create(patient=teen, name="Rooibos extract")
    page = post(prescriber, teen, acknowledged=["ema.co_medication:0000000000"])
    assert not Prescription.objects.exists()
    message = page.context["form"].extra["acknowledged"][0]
    assert message.startswith("Acknowledge this caution: Rooibos extract: not assessed")
    key = page.context["review"].cautions[0].key
    assert f'value="{key}"' in page.content.decode()  # the checkbox to tick
    post(prescriber, teen, acknowledged=[key])
    assert Prescription.objects.get().label_overall == "caution"


def test_the_server_ignores_a_level_or_findings_sent_by_the_client(
    prescriber: Client, teen: Patient
) -> None:
    forged = {"area_trunk": "12", "label_overall": "ok", "label_findings": "[]"}
    post(prescriber, teen, **forged)
    assert not Prescription.objects.exists()


def test_a_co_medication_feeds_the_check_while_it_is_taken(
    prescriber: Client, teen: Patient
) -> None:
    url = reverse("treatment:co_medications", args=[teen.pk])
    start = (TODAY() - timedelta(days=100)).isoformat()
    assert prescriber.post(url, {"name": "Methotrexate", "start_date": start}).status_code == 302
    page = post(prescriber, teen, jurisdiction="FDA")
    assert findings(page)["fda.co_medication"] == "outside_label"
    assert "Methotrexate (potent immunosuppressant, ATC L04AX03)" in page.content.decode()
    assert page.context["review"].co_medications == ["Methotrexate"]

    row = CoMedication.objects.get()
    edit = reverse("treatment:co_medication_edit", args=[row.pk])
    stopped = (TODAY() - timedelta(days=10)).isoformat()
    prescriber.post(edit, {"name": "Methotrexate", "start_date": start, "stop_date": stopped})
    page = post(prescriber, teen, jurisdiction="FDA", action="check")
    assert findings(page)["fda.co_medication"] == "ok"  # stopped before the course


@pytest.mark.parametrize(
    ("applied_to", "level"), [("", "caution"), ("same_skin", "caution"), ("other_skin", "ok")]
)
def test_under_the_eu_label_a_skin_medicine_is_asked_where_it_goes(
    prescriber: Client, teen: Patient, applied_to: str, level: str
) -> None:
    url = reverse("treatment:co_medications", args=[teen.pk])
    start = (TODAY() - timedelta(days=100)).isoformat()
    typed = {"name": "Protopic", "start_date": start, "applied_to": applied_to}
    assert prescriber.post(url, typed).status_code == 302
    assert CoMedication.objects.get().applied_to == applied_to
    page = post(prescriber, teen, jurisdiction="EMA", action="check")
    assert findings(page)["ema.other_topicals"] == level
    assert findings(page)["ema.two_hours"] == "ok"
    assert "at least 2 hours after the cream" in page.content.decode()


def test_a_co_medication_cannot_stop_before_it_starts(prescriber: Client, teen: Patient) -> None:
    url = reverse("treatment:co_medications", args=[teen.pk])
    page = prescriber.post(
        url,
        {"name": "Prednisolone", "start_date": "2026-03-10", "stop_date": "2026-03-01"},
    )
    assert page.context["form"].errors["stop_date"] == ["The stop date is before the start date."]
    assert not CoMedication.objects.exists()


def test_impossible_prescription_dates_are_refused(prescriber: Client, teen: Patient) -> None:
    before_birth = (teen.date_of_birth - timedelta(days=1)).isoformat()
    page = post(prescriber, teen, start_date=before_birth)
    errors = page.context["form"].errors["start_date"]
    assert errors == ["The start date is before the patient's date of birth."]
    page = post(prescriber, teen, start_date=(TODAY() + timedelta(days=400)).isoformat())
    assert page.context["form"].errors["start_date"] == [
        "The start date is more than a year ahead."
    ]
    assert not Prescription.objects.exists()

    post(prescriber, teen)
    prescription = Prescription.objects.get()
    stop = reverse("treatment:prescription_stop", args=[prescription.pk])
    early = (prescription.start_date - timedelta(days=1)).isoformat()
    page = prescriber.post(stop, {"stop_date": early, "stop_reason": "other"})
    assert page.context["form"].errors["stop_date"][0].startswith("The prescription started on")
    prescription.refresh_from_db()
    assert prescription.stop_date is None


def test_no_prescription_without_a_current_treatment_consent(
    prescriber: Client, world: World
) -> None:
    patient = ready(world, consents=())
    page = post(prescriber, patient)
    assert "There is no current consent for “Treatment records”" in page.content.decode()
    assert not Prescription.objects.exists()
    Consent.objects.create(
        patient=patient,
        purpose=ConsentPurpose.TREATMENT,
        given_on=TODAY() - timedelta(days=10),
        method="in_person",
        given_by="guardian",
        guardian_name="Parent",
        guardian_relationship="mother",
        withdrawn_on=TODAY(),
    )
    post(prescriber, patient)
    assert not Prescription.objects.exists()  # a withdrawn consent does not count


def test_without_a_diagnosis_the_check_cannot_run_and_nothing_is_saved(
    prescriber: Client, world: World
) -> None:
    patient = ready(world)
    patient.diagnoses.all().delete()
    page = post(prescriber, patient)
    assert "Record the diagnosis first" in page.content.decode()
    assert not Prescription.objects.exists()


def test_the_estimate_follows_the_typed_area_on_the_server(
    prescriber: Client, teen: Patient
) -> None:
    url = reverse("treatment:prescription_preview", args=[teen.pk])
    partial = prescriber.post(url, form(area_trunk="2", tube_grams="60"), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert html.startswith('<div id="label-panel"')  # only the panel, for HTMX to swap
    assert "14 g" in html and "336 g over 24 weeks: 6 tubes of 60 g" in html
    assert not Prescription.objects.exists()
    assert (
        AuditEntry.objects.naming(teen.pk)
        .filter(action=AuditAction.VIEW, object_type="label_check")
        .exists()
    )


def test_the_clinic_chooses_the_label_new_prescriptions_start_with(
    client: Client, world: World, teen: Patient
) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("accounts:clinic_settings", args=[world.clinic.pk])
    assert client.post(url, {"label_jurisdiction": "FDA"}).status_code == 302
    client.force_login(world.prescriber)
    page = client.get(new_url(teen))
    assert page.context["form"]["jurisdiction"].value() == "FDA"


def test_a_comparator_is_saved_without_the_label_check(prescriber: Client, teen: Patient) -> None:
    ruxolitinib()  # the starting products
    tacrolimus = Product.objects.get(name="Tacrolimus ointment")
    post(prescriber, teen, product=tacrolimus.pk, tube_grams=None, jurisdiction=None)
    prescription = Prescription.objects.get()
    assert prescription.label_overall == "" and prescription.label_findings == []
    assert prescription.tube_grams is None
    teen.refresh_from_db()
    assert teen.treatment_start is None  # week numbers follow ruxolitinib only


def test_the_first_ruxolitinib_prescription_sets_the_treatment_start(
    prescriber: Client, teen: Patient
) -> None:
    ahead = TODAY() + timedelta(days=20)
    post(prescriber, teen, start_date=ahead.isoformat())
    teen.refresh_from_db()
    assert teen.treatment_start is None  # not started yet
    Prescription.objects.update(stop_date=ahead, stop_reason="other")  # then never begun
    earlier = TODAY() - timedelta(days=14)
    post(prescriber, teen, start_date=earlier.isoformat())
    later = TODAY() - timedelta(days=3)
    post(prescriber, teen, start_date=later.isoformat(), replaces_current="on")
    assert Prescription.objects.filter(stop_date__isnull=True).get().start_date == later
    teen.refresh_from_db()
    assert teen.treatment_start == earlier
    assert services.sync_treatment_start(teen) == earlier


def test_saving_and_opening_are_audited_with_the_patient(prescriber: Client, teen: Patient) -> None:
    post(prescriber, teen)
    prescription = Prescription.objects.get()
    prescriber.get(reverse("treatment:prescription_detail", args=[prescription.pk]))
    entries = AuditEntry.objects.naming(teen.pk).filter(object_type="prescription")
    assert set(entries.values_list("action", flat=True)) == {AuditAction.CREATE, AuditAction.VIEW}


def test_a_second_current_course_of_the_cream_is_refused_until_it_replaces_the_first(
    prescriber: Client, teen: Patient
) -> None:
    post(prescriber, teen, start_date=(TODAY() - timedelta(days=30)).isoformat())
    first = Prescription.objects.get()

    refused = post(prescriber, teen, area_face="1")
    assert refused.status_code == 200
    assert "Two courses side by side are not allowed" in refused.content.decode()
    assert Prescription.objects.count() == 1
    assert 'name="replaces_current"' in refused.content.decode()  # the way out is offered

    post(prescriber, teen, area_face="1", replaces_current="on")
    first.refresh_from_db()
    second = Prescription.objects.exclude(pk=first.pk).get()
    assert first.stop_date == TODAY() - timedelta(days=1)
    assert (first.stop_reason, first.stop_note) == (
        "replaced",
        f"Replaced by prescription {second.pk}.",
    )
    assert second.stop_date is None and second.treated_bsa_percent == 7


def test_a_replacing_course_cannot_start_before_the_current_one(
    prescriber: Client, teen: Patient
) -> None:
    post(prescriber, teen)
    page = post(
        prescriber,
        teen,
        replaces_current="on",
        start_date=(TODAY() - timedelta(days=3)).isoformat(),
    )
    assert "cannot start before the current one" in page.content.decode()
    assert Prescription.objects.get().stop_date is None


def test_a_stopped_course_needs_no_replacing(prescriber: Client, teen: Patient) -> None:
    post(prescriber, teen, start_date=(TODAY() - timedelta(days=30)).isoformat())
    Prescription.objects.update(stop_date=TODAY() - timedelta(days=2), stop_reason="other")
    post(prescriber, teen)
    assert Prescription.objects.filter(stop_date__isnull=True).count() == 1
