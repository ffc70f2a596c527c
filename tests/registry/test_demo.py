"""The demo gives the analyst a page of figures: a consenting cohort a year into treatment."""

from __future__ import annotations

import pytest

from repigment.accounts import demo as accounts_demo
from repigment.accounts.models import User
from repigment.assessments import demo as assessments_demo
from repigment.patients import demo as patients_demo
from repigment.registry import demo
from repigment.registry.services import Filters, outcomes

pytestmark = pytest.mark.django_db


def test_the_demo_analyst_sees_week_24_and_52_figures_not_marks() -> None:
    for builder in (accounts_demo.build, patients_demo.build, demo.build, assessments_demo.build):
        builder(lambda _: None)
    demo.build(lambda _: None)  # idempotent: nothing new
    analyst = User.objects.get(email="analyst@example.org")
    body = outcomes(None, analyst, Filters())
    assert body["sites"] == ["CPT", "JHB"] and body["patients"] >= 60
    for week in (24, 52):
        row = next(
            r for r in body["responses"]
            if (r["instrument"], r["threshold"], r["week"]) == ("F-VASI", 75, week)
        )  # fmt: skip
        assert row["evaluable"] >= 40 and not row["suppressed"], row
    assert body["time_to_response"]["events"] >= 10
