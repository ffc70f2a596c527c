"""An application's document checklist: the route's items, each with its current document.

A required item the research confirmed gates the application: it must have a document, and
someone must have checked that document, before the application is ready or submitted.
Items not confirmed with the regulator are shown as advised, not demanded. Some items are
produced here (the application pack, the motivation letter) or taken from the prescriber's
record (the HPCSA certificate); the rest are uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from repigment.access.models import ChecklistItem
from repigment.authorisations.models import ApplicationDocument, AuthorisationApplication

#: Items Repigment writes as PDF from the application (generated on request).
GENERATED = frozenset({"application", "motivation"})
#: Items taken from the prescriber's record (uploaded there once, reused).
FROM_RECORD = frozenset({"hpcsa-certificate"})
#: Items about the product that the importing pharmacist may add and check too.
IMPORTER_ITEMS = frozenset(
    {"product-brochure", "package-insert", "foreign-registration", "gmp-evidence"}
)
#: Items holding clinical details of the patient (never shown to the pharmacist).
CLINICAL_ITEMS = frozenset({"application", "motivation", "informed-consent", "prescription"})


@dataclass(frozen=True)
class Row:
    item: ChecklistItem
    document: ApplicationDocument | None

    @property
    def gates(self) -> bool:
        """Required and confirmed: without it (checked) the application cannot go further."""
        return self.item.required and self.item.confirmed

    @property
    def how(self) -> str:
        code = self.item.code
        return "generate" if code in GENERATED else "record" if code in FROM_RECORD else "upload"

    @property
    def done(self) -> bool:
        return self.document is not None and self.document.is_checked

    @property
    def status(self) -> str:
        if self.document is None:
            return "missing"
        return "checked" if self.document.is_checked else "unchecked"

    @property
    def status_label(self) -> str:
        labels = {
            "missing": _("missing"),
            "unchecked": _("added, not yet checked"),
            "checked": _("checked"),
        }
        return str(labels[self.status])


def rows(application: AuthorisationApplication) -> list[Row]:
    """Every checklist item of the route, in order, with its newest document."""
    current: dict[int, ApplicationDocument] = {}
    cache = getattr(application, "_prefetched_objects_cache", {})
    if "documents" in cache:  # a list prefetched them (see ``prefetch_for_rows``)
        documents = sorted(cache["documents"], key=lambda d: (d.added_at, d.pk), reverse=True)
    else:
        documents = list(
            application.documents.select_related("added_by", "checked_by").order_by(
                "-added_at", "-pk"
            )
        )
    for document in documents:
        current.setdefault(document.item_id, document)
    if "checklist" in getattr(application.route, "_prefetched_objects_cache", {}):
        items = list(application.route.checklist.all())
    else:
        items = list(
            application.route.checklist.prefetch_related("sources").order_by("order", "pk")
        )
    return [Row(item, current.get(item.pk)) for item in items]


def prefetch_for_rows() -> tuple[Prefetch, Prefetch]:
    """What a list of applications prefetches so that ``rows`` asks nothing per application."""
    documents = ApplicationDocument.objects.select_related("added_by", "checked_by")
    items = ChecklistItem.objects.prefetch_related("sources").order_by("order", "pk")
    return Prefetch("documents", queryset=documents), Prefetch("route__checklist", queryset=items)


def missing(application: AuthorisationApplication) -> list[Row]:
    """The gating items without a checked document."""
    return [row for row in rows(application) if row.gates and not row.done]


def is_complete(application: AuthorisationApplication) -> bool:
    return not missing(application)


def item(application: AuthorisationApplication, code: str) -> ChecklistItem | None:
    return application.route.checklist.filter(code=code).first()
