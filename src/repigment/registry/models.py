"""The installation's pseudonym key: the secret that turns a patient into a stable pseudonym."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils import timezone


class PseudonymKey(models.Model):
    """One row per installation, made on first export and never shown.

    Kept in the database (not in settings or git) so that every export of this installation gives a
    patient the same pseudonym, while another installation, with its own key, gives another one.
    """

    key = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_pseudonym_key")]

    def __str__(self) -> str:
        return f"pseudonym key of {self.created:%Y-%m-%d}"

    @classmethod
    def current(cls) -> PseudonymKey:
        found = cls.objects.filter(pk=1).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return cls.objects.create(pk=1, key=secrets.token_hex(32))
        except IntegrityError:  # another process made it first
            return cls.objects.get(pk=1)

    def pseudonym(self, patient_id: int) -> str:
        """16 hex digits of HMAC-SHA256(key, patient id): stable here, meaningless elsewhere."""
        return self.signer()(patient_id)

    def signer(self) -> Callable[[int], str]:
        """``pseudonym`` for many patients: the key decoded once, one-shot HMAC per patient."""
        key = bytes.fromhex(self.key)

        def pseudonym(patient_id: int) -> str:
            return hmac.digest(key, str(patient_id).encode(), "sha256").hex()[:16]

        return pseudonym


class PatientSummary(models.Model):
    """One patient's per-patient figures of the registry analysis, kept so that a report reads one
    row per patient instead of every visit, diary day and dispensing.

    The figures are those :func:`repigment.registry.analysis.per_patient_totals` makes from the
    patient's rows (computed by that function, never by a second copy of the rules): the start,
    scores in millionths, days and weeks from the start, packed as ``summaries.STORED`` says (one
    value per row: reading twenty columns per patient cost more than the report). A write that
    changes what they come from marks the row ``stale`` and bumps ``version``; a report
    recomputes stale and missing rows before it reads, and stores a result only if ``version``
    did not move meanwhile. ``repigment registry summaries --check`` shows them unpacked.
    """

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stale = models.BooleanField(default=True)
    version = models.BigIntegerField(default=0)
    figures = models.BinaryField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["patient"], condition=models.Q(stale=True), name="summary_stale")
        ]

    def __str__(self) -> str:
        return f"registry summary of patient {self.patient_id}"
