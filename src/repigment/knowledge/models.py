"""Re-checks of the site's sources: who read a source again, on which day, and what it backed.

Content provenance is not patient data, but changes to what the site shows as sourced fact
must be traceable: each re-check is one append-only row (and one audit entry), never edited.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import User
from repigment.core.appendonly import AppendOnly


class CheckedKind(models.TextChoices):
    REFERENCE = "reference", _("reference")
    COUNTRY_FACT = "country_fact", _("country fact")
    CHECKLIST_ITEM = "checklist_item", _("document to prepare")


class SourceCheck(AppendOnly):
    """One re-reading of the source(s) behind a reference, a country fact or a checklist item."""

    time_field = "recorded_at"

    kind = models.CharField(_("kind"), max_length=20, choices=CheckedKind.choices)
    key = models.CharField(
        _("key"), max_length=80, help_text=_("The reference id, or the fact's or item's number.")
    )
    subject = models.CharField(_("what it backs"), max_length=300)
    checked_on = models.DateField(_("re-read on"))
    checked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("re-read by")
    )
    previous_on = models.DateField(_("previously read on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "key", "-checked_on"], name="knowledge_check_lookup")
        ]
        verbose_name = _("source re-check")
        verbose_name_plural = _("source re-checks")

    def __str__(self) -> str:
        return f"{self.kind} {self.key} re-read on {self.checked_on}"
