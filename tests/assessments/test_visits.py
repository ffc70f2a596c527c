"""Scoring a visit region by region: totals from clinical.scoring, errors in a clinician's
words, the form working without JavaScript, the HTMX running totals, and the visit history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.assessments.models import Instrument, ScoreEntry, Visit
from repigment.clinical.scoring import DEPIGMENTATION_LADDER, VasiEntry, score_fvasi, score_tvasi
from repigment.patients.models import ConsentPurpose
from tests.assessments.forms import visit_post
from tests.conftest import World, build_world
from tests.patients.helpers import TODAY, consent, visit

D = Decimal


@pytest.fixture
def consented(world: World) -> World:
    consent(world.patient)
    return world


def post_visit(client: Client, world: World, rows: dict, **fields) -> object:  # type: ignore[type-arg]
    client.force_login(world.prescriber)
    url = reverse("assessments:visit_new", args=[world.patient.pk])
    day = fields.pop("day", TODAY() - timedelta(days=10))
    return client.post(url, visit_post(day, world.prescriber, rows, **fields))


def test_rows_are_saved_and_both_totals_come_from_the_clinical_core(
    client: Client, consented: World
) -> None:
    # Face: 0.5 HU x 75 % + 1 HU x 50 % = 0.375 + 0.5 = 0.875.
    # Hands 2 x 100 % = 2; trunk 3.5 x 25 % = 0.875; T-VASI = 2.875.
    rows = {"face": [("0.5", "75"), ("1", "50")], "hands": [("2", "100")], "trunk": [("3.5", "25")]}
    response = post_visit(client, consented, rows, affected_bsa_percent="7", vns="")
    saved = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:visit_detail", args=[saved.pk])
    assert (saved.fvasi_total, saved.tvasi_total) == (D("0.875"), D("2.875"))
    assert saved.entries.count() == 4 and saved.assessor == consented.prescriber
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="visit")
    assert entry.patient_ids == [consented.patient.pk] and entry.clinic == consented.clinic
    page = client.get(response["Location"]).content.decode()
    assert "0.875" in page and "2.875" in page


def test_hand_units_typed_with_a_decimal_comma_are_saved_as_typed(
    client: Client, consented: World
) -> None:
    # Face 0,5 HU x 100 % = 0.5 (not 5 x 100 % = 5, which the face could not even hold).
    response = post_visit(client, consented, {"face": [("0,5", "100")]}, facial_bsa_percent="0,5")
    assert response.status_code == 302
    saved = Visit.objects.get()
    assert saved.fvasi_total == D("0.5") and saved.facial_bsa_percent == D("0.5")
    assert saved.entries.get().hand_units == D("0.5")


def test_a_grade_off_the_ladder_is_refused_in_words_and_the_rest_is_kept(
    client: Client, consented: World
) -> None:
    response = post_visit(
        client, consented, {"face": [("0.5", "30")], "hands": [("2", "100")]}, notes="keep me"
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()
    page = response.content.decode()
    assert "Depigmentation must be one of 0, 10, 25, 50, 75, 90, 100 %." in page
    assert "keep me" in page and 'value="2"' in page


def test_a_half_filled_row_says_which_half_is_missing(client: Client, consented: World) -> None:
    response = post_visit(client, consented, {"hands": [("2", "")], "feet": [("", "50")]})
    page = response.content.decode()
    assert "Hands, row 1: Choose the depigmentation for this row." in page
    assert "Feet, row 1: Enter the hand units for this row." in page
    assert not Visit.objects.exists()


def test_hand_units_that_are_not_numbers_or_have_three_decimals_are_refused(
    client: Client, consented: World
) -> None:
    page = post_visit(client, consented, {"hands": [("two", "50")], "feet": [("0.125", "50")]})
    text = page.content.decode()
    assert "Hand units must be a number, for example 0.5, 0,5 or 2." in text
    assert "Hand units take at most two decimals" in text


def test_more_than_three_hand_units_on_the_face_is_refused(
    client: Client, consented: World
) -> None:
    response = post_visit(client, consented, {"face": [("2", "50"), ("1.5", "100")]})
    assert "F-VASI rows add up to 3.5 hand units; at most 3 fit." in response.content.decode()
    assert not Visit.objects.exists()


def test_without_javascript_add_a_row_keeps_everything_typed_and_saves_nothing(
    client: Client, consented: World
) -> None:
    response = post_visit(
        client, consented, {"hands": [("2", "100")]}, add_row="hands", notes="typed", action=""
    )
    editor = response.context["editor"]
    hands = next(r for r in editor.regions if r.region == "hands")
    assert hands.formset.total_form_count() == 2
    assert hands.subtotal == D(2)
    assert "typed" in response.content.decode() and not Visit.objects.exists()


def test_without_javascript_calculate_shows_the_totals_and_saves_nothing(
    client: Client, consented: World
) -> None:
    response = post_visit(client, consented, {"face": [("0.25", "90")]}, action="calculate")
    assert response.context["editor"].scores.fvasi.score == D("0.225")
    assert 'id="total-fvasi" class="total">0.225<' in response.content.decode()
    assert not Visit.objects.exists()


def test_the_running_totals_come_back_as_htmx_fragments(client: Client, consented: World) -> None:
    client.force_login(consented.prescriber)
    url = reverse("assessments:score_preview", args=[consented.patient.pk])
    data = visit_post(
        TODAY(),
        consented.prescriber,
        {"face": [("0.5", "50")], "trunk": [("4", "75"), ("1", "10")]},
    )
    fragment = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert '<output id="sub-face" class="subtotal" hx-swap-oob="true">0.25</output>' in fragment
    assert '<output id="sub-trunk" class="subtotal" hx-swap-oob="true">3.1</output>' in fragment
    assert 'id="total-tvasi" class="total" hx-swap-oob="true">3.1<' in fragment
    assert not AuditEntry.objects.filter(path=url).exists()  # nothing stored was read


def test_an_instrument_not_scored_has_no_total_and_takes_no_rows(
    client: Client, consented: World
) -> None:
    refused = post_visit(client, consented, {"face": [("1", "50")]}, fvasi_scored=None)
    assert "F-VASI is marked as not scored, but it has rows" in refused.content.decode()
    post_visit(client, consented, {"hands": [("1", "50")]}, fvasi_scored=None)
    assert Visit.objects.get().fvasi_total is None


def test_the_noticeability_scale_waits_for_the_first_follow_up(
    client: Client, consented: World
) -> None:
    baseline_day = TODAY() - timedelta(days=100)
    refused = post_visit(client, consented, {}, day=baseline_day, vns="4")
    assert "record it from the first follow-up visit on" in refused.content.decode()
    post_visit(client, consented, {}, day=baseline_day)
    assert post_visit(client, consented, {}, vns="4").status_code == 302
    assert Visit.objects.order_by("visit_date").last().vns == 4  # type: ignore[union-attr]


def test_one_visit_a_day(client: Client, consented: World) -> None:
    post_visit(client, consented, {})
    again = post_visit(client, consented, {})
    assert "There is already a visit on" in again.content.decode()


def test_no_visit_without_treatment_consent(client: Client, world: World) -> None:
    consent(world.patient, ConsentPurpose.PHOTOS)
    page = post_visit(client, world, {"face": [("1", "50")]})
    assert "There is no current treatment consent" in page.content.decode()
    assert not Visit.objects.exists()


def test_editing_keeps_every_version_with_who_and_what_changed(
    client: Client, consented: World
) -> None:
    post_visit(client, consented, {"face": [("0.5", "75")]}, notes="first")
    saved = Visit.objects.get()
    url = reverse("assessments:visit_edit", args=[saved.pk])
    edit = visit_post(
        saved.visit_date, consented.prescriber, {"face": [("0.5", "50")]}, notes="corrected"
    )
    assert client.post(url, edit).status_code == 302
    assert client.post(url, edit).status_code == 302  # unchanged: no new version
    saved.refresh_from_db()
    assert saved.fvasi_total == D("0.25") and saved.versions.count() == 2
    page = client.get(reverse("assessments:visit_history", args=[saved.pk])).content.decode()
    assert "Version 2" in page and "Prescriber Jhb" in page
    for text in ("0.375", "0.25", "first", "corrected", "0.5 HU at 75 %", "0.5 HU at 50 %"):
        assert text in page, text
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="visit")
    assert updates.count() == 1


def test_a_stored_total_cannot_drift_from_its_entries(consented: World) -> None:
    made = visit(consented.patient, TODAY(), face=[("1", "50")], body=[("trunk", "4", "25")])
    assert (made.fvasi_total, made.tvasi_total) == (D("0.5"), D(1))
    made.fvasi_total, made.tvasi_total = D("2.9"), D(99)
    made.save()
    made.refresh_from_db()
    assert (made.fvasi_total, made.tvasi_total) == (D("0.5"), D(1))
    added = ScoreEntry.objects.create(
        visit=made,
        instrument=Instrument.FVASI,
        region="face",
        hand_units=D("0.5"),
        depigmentation=100,
    )
    made.refresh_from_db()
    assert made.fvasi_total == D(1)
    added.delete()
    made.refresh_from_db()
    assert made.fvasi_total == D("0.5")
    Visit.objects.filter(pk=made.pk).update(tvasi_total=D(50))  # a raw update...
    made.refresh_from_db()
    made.save(update_fields=["notes"])  # ...is undone by the next save of any field
    made.refresh_from_db()
    assert made.tvasi_total == D(1)


ladder = st.sampled_from(DEPIGMENTATION_LADDER)
units = st.decimals(min_value="0", max_value="0.75", places=2)
body_region = st.sampled_from(["head_neck", "hands", "upper_limbs", "trunk", "lower_limbs", "feet"])


class TestStoredTotalsAlwaysEqualTheirEntries(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        face=st.lists(st.tuples(units, ladder), max_size=4),
        body=st.lists(
            st.tuples(body_region, st.decimals(min_value="0", max_value="9", places=2), ladder),
            max_size=8,
        ),
    )
    def test_for_any_rows(self, face: list, body: list) -> None:  # type: ignore[type-arg]
        world = build_world()
        made = visit(
            world.patient,
            TODAY(),
            face=[(str(u), g) for u, g in face],
            body=[(r, str(u), g) for r, u, g in body],
        )
        made.refresh_from_db()
        expected_f = score_fvasi([VasiEntry("face", u, g) for u, g in face]).score
        expected_t = score_tvasi([VasiEntry(r, u, g) for r, u, g in body]).score
        assert made.fvasi_total == expected_f and made.tvasi_total == expected_t


def test_a_face_of_25_percent_of_the_body_is_refused_with_the_reason(
    client: Client, consented: World
) -> None:
    response = post_visit(client, consented, {}, affected_bsa_percent="30", facial_bsa_percent="25")
    assert response.status_code == 200
    assert not Visit.objects.exists()
    assert "The face is about 3.5 % of the body in adults; 25 % cannot be right." in (
        response.content.decode()
    )


def test_a_regions_hand_units_cannot_exceed_the_region(client: Client, consented: World) -> None:
    rows = {"head_neck": [("6", "50"), ("5", "50")]}
    response = post_visit(client, consented, rows)
    page = response.content.decode()
    assert "The head and neck is about 9 hand units in adults; 11 cannot be right." in page
    # The error summary names the region and row and links to the row's field.
    assert (
        '<a href="#id_head_neck-1-hand_units">Head and neck, row 2: The head and neck is about 9 '
        "hand units in adults; 11 cannot be right.</a>"
    ) in page
    assert not Visit.objects.exists()
    fits = post_visit(client, consented, {"head_neck": [("6", "50"), ("3", "50")]})
    assert fits.status_code == 302
