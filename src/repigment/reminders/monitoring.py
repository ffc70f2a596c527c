"""Reminders of the monitoring plan: a tuberculosis screening and skin examinations.

Both follow a patient's course of ruxolitinib cream (see :mod:`repigment.reminders.course`)
while it has not stopped. Without a recorded TB screening one is due at the course's start
(the US label asks to consider testing before starting), and again on the day the clinician
set for the next one. A skin examination is due at the start, then on the day set at the last
examination (the EU label recommends periodic skin examinations and gives no interval). Recording
the screening or the examination moves the day, which closes the old reminder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Role
from repigment.clinical import monitoring as rules
from repigment.reminders.course import CourseOfCream, courses
from repigment.reminders.engine import chunk_size
from repigment.reminders.registry import Due, Kind, Urgency, url_with_pk
from repigment.treatment.models import SkinExam, TbScreening

TB_SCREENING = "monitoring.tb_screening"
SKIN_EXAM = "monitoring.skin_exam"

KINDS = {
    TB_SCREENING: Kind(
        TB_SCREENING,
        _(
            "Tuberculosis screening due %(due)s: the US label asks to consider testing for "
            "latent and active tuberculosis before starting"
        ),
        ("epocrates-opzelura",),
        urgency=Urgency.REVIEW,
    ),
    SKIN_EXAM: Kind(
        SKIN_EXAM,
        _("Skin examination due %(due)s: the EU label recommends periodic skin examinations"),
        ("liekinfo-sk-opzelura-smpc",),
        _("Time for a skin check"),
        _(
            "Your doctor would like to examine your skin around %(due)s, as is advised for "
            "everyone using the cream. Please contact %(clinic)s to book a visit."
        ),
        urgency=Urgency.REVIEW,
    ),
}


def _latest(
    model: type[TbScreening] | type[SkinExam], day_field: str, ids: list[int]
) -> dict[int, Any]:
    rows = model.objects.filter(patient_id__in=ids).order_by("patient_id", f"-{day_field}", "-pk")
    latest: dict[int, Any] = {}
    for row in rows:
        latest.setdefault(row.patient_id, row)
    return latest


def _due(course: CourseOfCream, kind: str, day: date) -> Due:
    return Due(
        key=f"{kind}:{course.patient.pk}:{day.isoformat()}",
        kind=kind,
        due_on=day,
        clinic=course.patient.clinic,
        patient=course.patient,
        responsible_role=Role.PRESCRIBER,
        url=url_with_pk("treatment:monitoring", course.patient.pk),
        notify_patient=bool(KINDS[kind].patient_subject),
    )


class MonitoringReminders:
    kinds = KINDS

    def due(self, today: date) -> Iterator[Due]:
        """A chunk of running courses at a time, so the patient ids asked about stay few
        (the visits are not read: the screening and skin checks are dated by their own
        records)."""
        running = (course for course in courses(visits=False) if course.stopped_on is None)
        while chunk := list(islice(running, chunk_size())):
            yield from self._due_in(chunk)

    def _due_in(self, running: list[CourseOfCream]) -> Iterator[Due]:
        ids = [course.patient.pk for course in running]
        last_tb = _latest(TbScreening, "tested_on", ids)
        last_skin = _latest(SkinExam, "examined_on", ids)
        for course in running:
            tb = last_tb.get(course.patient.pk)
            tb_day = rules.tb_screening_due(
                course.start, tb.tested_on if tb else None, tb.next_due if tb else None
            )
            if tb_day is not None:
                yield _due(course, TB_SCREENING, tb_day)
            skin = last_skin.get(course.patient.pk)
            skin_day = rules.skin_examination_due(course.start, skin.next_due if skin else None)
            if skin_day is not None:
                yield _due(course, SKIN_EXAM, skin_day)


SOURCE = MonitoringReminders()
