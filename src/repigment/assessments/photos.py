"""Which photos to show, and the baseline-versus-latest pairs for each site and lighting."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from repigment.assessments.access import photo_for
from repigment.assessments.models import Photo
from repigment.patients.access import CLINICAL_ROLES, record_read
from repigment.patients.models import Patient
from repigment.patients.uploads import stored_file_response

PHOTO_SIZES = ("full", "thumb")


@dataclass(frozen=True)
class Comparison:
    body_site: str
    lighting: str
    baseline: Photo
    latest: Photo

    @property
    def label(self) -> str:
        return f"{self.baseline.get_body_site_display()} · {self.baseline.get_lighting_display()}"


def photo_response(request: HttpRequest, photo_id: int, size: str) -> HttpResponse:
    """The photo (``full``) or its thumbnail (``thumb``) after the access check, audited."""
    if size not in PHOTO_SIZES:
        raise Http404("no such size")
    photo, role = photo_for(request, photo_id, CLINICAL_ROLES)
    record_read(request, photo.visit.patient, role, "photo", photo.pk)
    if size == "full":
        return stored_file_response(photo.image, photo.content_type)
    return stored_file_response(photo.thumbnail, "image/jpeg")


def visible_photos(patient: Patient) -> QuerySet[Photo]:
    return (
        Photo.objects.filter(visit__patient=patient)
        .select_related("visit")
        .order_by("visit__visit_date", "body_site", "pk")
    )


def comparisons(photos: list[Photo]) -> list[Comparison]:
    """For each body site and lighting photographed at two or more visits: the earliest photo
    (from the first visit with one) beside the latest (from the last visit with one)."""
    groups: dict[tuple[str, str], list[Photo]] = {}
    for photo in photos:
        groups.setdefault((photo.body_site, photo.lighting), []).append(photo)
    pairs = []
    for (site, lighting), group in groups.items():
        group.sort(key=lambda p: (p.visit.visit_date, p.pk))
        first, last = group[0], group[-1]
        if first.visit_id != last.visit_id:
            pairs.append(Comparison(site, lighting, first, last))
    return sorted(pairs, key=lambda c: (c.body_site, c.lighting))
