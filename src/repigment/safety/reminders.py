"""The safety app's reminders: a patient's report of a side effect waits for the prescriber's
review; the reminder closes by itself once the report is confirmed or dismissed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.reminders.registry import Due, Kind, Urgency, url_with_pk
from repigment.safety.models import AdverseEvent

REVIEW = "safety.review_patient_report"

KINDS = {
    REVIEW: Kind(
        REVIEW,
        _("Side effect reported by the patient, to review: %(term)s"),
        urgency=Urgency.SAFETY,
    ),
}


class UnreviewedReports:
    kinds = KINDS

    def due(self, today: date) -> Iterator[Due]:
        events = AdverseEvent.objects.awaiting_review().select_related("patient__clinic")
        for event in events:
            yield Due(
                key=f"{REVIEW}:{event.pk}",
                kind=REVIEW,
                due_on=timezone.localdate(event.reported_at),
                clinic=event.patient.clinic,
                patient=event.patient,
                responsible_role=Role.PRESCRIBER,
                params={"term": event.term_text},
                url=url_with_pk("safety:event_detail", event.pk),
            )


SOURCE = UnreviewedReports()
