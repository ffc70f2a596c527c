"""Photos: accepted by content, size-limited, stored without metadata, served only through
the access-checked and audited view, compared baseline against latest."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.assessments.models import Photo, Visit
from repigment.assessments.photos import comparisons
from repigment.patients.models import ConsentPurpose
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, jpeg_bytes, visit

GPS = 0x8825


@pytest.fixture
def a_visit(world: World) -> Visit:
    consent(world.patient)
    return visit(world.patient, TODAY() - timedelta(days=7), face=[("0.5", "75")])


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: camera make, time, GPS position, rotated by a tag."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:01:02 10:11:12"  # DateTime
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    gps = exif.get_ifd(GPS)
    gps[1], gps[2] = "S", (26.0, 12.0, 30.0)
    gps[3], gps[4] = "E", (28.0, 2.0, 45.0)
    return jpeg_bytes((80, 40), exif=exif)


def upload(client: Client, world: World, a_visit: Visit, *files: Any, **tags: Any) -> Any:
    client.force_login(world.prescriber)
    data = {"body_site": "face", "lighting": "daylight", "site_detail": "", **tags}
    data["images"] = list(files)
    return client.post(reverse("assessments:photo_upload", args=[a_visit.pk]), data)


def stored_image(photo: Photo, thumb: bool = False) -> tuple[bytes, Image.Image]:
    field = photo.thumbnail if thumb else photo.image
    with field.open("rb") as handle:
        data = handle.read()
    return data, Image.open(io.BytesIO(data))


def test_gps_and_every_other_tag_are_stripped_and_the_photo_is_turned_upright(
    client: Client, world: World, a_visit: Visit
) -> None:
    original = phone_photo()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the test file has GPS
    response = upload(client, world, a_visit, SimpleUploadedFile("IMG_1.jpg", original))
    assert response.status_code == 302
    photo = Photo.objects.get()
    data, image = stored_image(photo)
    assert not image.getexif() and not image.getexif().get_ifd(GPS)
    assert b"PhoneMaker" not in data and b"2026:01:02" not in data and b"Exif" not in data
    assert image.size == (40, 80) and (photo.width, photo.height) == (40, 80)  # upright
    thumb_data, thumb = stored_image(photo, thumb=True)
    assert thumb.format == "JPEG" and b"PhoneMaker" not in thumb_data
    assert (
        AuditEntry.objects.naming(world.patient.pk)
        .filter(action=AuditAction.CREATE, object_type="photo")
        .count()
        == 1
    )


def test_a_renamed_text_file_is_refused_by_its_content(
    client: Client, world: World, a_visit: Visit
) -> None:
    fake = SimpleUploadedFile("holiday.jpg", b"This is not an image at all.", "image/jpeg")
    response = upload(client, world, a_visit, fake)
    assert "holiday.jpg is not a JPEG, PNG, HEIC or WEBP image" in response.content.decode()
    assert not Photo.objects.exists()


def test_other_image_types_are_refused_too(client: Client, world: World, a_visit: Visit) -> None:
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    response = upload(client, world, a_visit, SimpleUploadedFile("x.jpg", gif.getvalue()))
    assert "is not a JPEG, PNG, HEIC or WEBP image" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_saved(
    client: Client, world: World, a_visit: Visit, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 2048
    big = jpeg_bytes((400, 400))
    assert len(big) > 2048
    small = SimpleUploadedFile("small.jpg", jpeg_bytes())
    response = upload(client, world, a_visit, small, SimpleUploadedFile("big.jpg", big))
    text = response.content.decode()
    assert "big.jpg is" in text and "files may be at most 2.0\xa0KB" in text
    assert "Nothing was saved." in text and not Photo.objects.exists()


def test_png_stays_lossless_and_heic_and_webp_become_jpeg(
    client: Client, world: World, a_visit: Visit
) -> None:
    files = []
    for fmt, name in (("PNG", "a.png"), ("WEBP", "b.webp")):
        out = io.BytesIO()
        Image.new("RGB", (30, 20), (10, 120, 200)).save(out, fmt)
        files.append(SimpleUploadedFile(name, out.getvalue()))
    heif = pillow_heif.from_pillow(Image.new("RGB", (30, 20), (200, 120, 10)))
    out = io.BytesIO()
    heif.save(out)
    files.append(SimpleUploadedFile("c.heic", out.getvalue()))
    assert upload(client, world, a_visit, *files).status_code == 302
    formats = {p.source_format: stored_image(p)[1].format for p in Photo.objects.all()}
    assert formats == {"PNG": "PNG", "WEBP": "JPEG", "HEIF": "JPEG"}


def test_no_photo_without_photo_consent(client: Client, world: World) -> None:
    consent(world.patient, ConsentPurpose.TREATMENT)
    made = visit(world.patient, TODAY(), face=[("1", "50")])
    response = upload(client, world, made, SimpleUploadedFile("a.jpg", jpeg_bytes()))
    assert "There is no current photo consent" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_photo_is_served_to_its_clinic_and_its_patient_only_and_every_view_is_audited(
    client: Client, world: World, a_visit: Visit
) -> None:
    upload(client, world, a_visit, SimpleUploadedFile("a.jpg", jpeg_bytes()))
    photo = Photo.objects.get()
    url = reverse("assessments:photo_file", args=[photo.pk, "full"])
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {d.strip() for d in served["Cache-Control"].split(",")}
    client.force_login(world.patient_user)
    assert client.get(url).status_code == 200
    for outsider in (world.other_prescriber, world.pharmacist):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(world.clinic_admin)
    assert client.get(url).status_code == 403
    views = AuditEntry.objects.filter(object_type="photo", action=AuditAction.VIEW)
    assert sorted(views.values_list("role", flat=True)) == ["patient", "prescriber"]
    assert all(view.patient_ids == [world.patient.pk] for view in views)
    assert not photo.image.name.startswith(("/", "static")) and "media" not in url


def test_withdrawn_photo_consent_hides_the_photos_from_staff_but_keeps_them(
    client: Client, world: World, a_visit: Visit
) -> None:
    upload(client, world, a_visit, SimpleUploadedFile("a.jpg", jpeg_bytes()))
    photo = Photo.objects.get()
    world.patient.consents.filter(purpose=ConsentPurpose.PHOTOS).update(withdrawn_on=TODAY())
    url = reverse("assessments:photo_file", args=[photo.pk, "thumb"])
    assert client.get(url).status_code == 403
    gallery = client.get(reverse("assessments:photos", args=[world.patient.pk]))
    assert "1 photo is kept in the record and not shown." in gallery.content.decode()
    client.force_login(world.patient_user)
    assert client.get(url).status_code == 200  # the patient still sees their own
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_the_comparison_pairs_the_first_and_latest_photo_of_each_site_and_lighting(
    world: World, a_visit: Visit
) -> None:
    from tests.patients.helpers import photo as make_photo

    later = visit(world.patient, TODAY(), face=[("0.25", "50")])
    middle = visit(world.patient, TODAY() - timedelta(days=3))
    first, mid, last = make_photo(a_visit), make_photo(middle), make_photo(later)
    woods = make_photo(later)
    woods.lighting = "woods_lamp"
    woods.save()
    pairs = comparisons(list(Photo.objects.select_related("visit")))
    assert [(p.baseline, p.latest) for p in pairs] == [(first, last)]
    assert mid not in (pairs[0].baseline, pairs[0].latest)


def test_the_api_uploads_and_downloads_photos_with_the_same_checks(
    client: Client, world: World, a_visit: Visit
) -> None:
    from repigment.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.prescriber, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/visits/{a_visit.pk}/photos"
    fake = SimpleUploadedFile("x.jpg", b"GIF89a not really")
    refused = client.post(
        url, {"body_site": "face", "lighting": "daylight", "files": [fake]}, **auth
    )
    assert refused.status_code == 422 and "files" in refused.json()["error"]["fields"]
    good = SimpleUploadedFile("y.jpg", phone_photo())
    bad_site = client.post(
        url, {"body_site": "elbow", "lighting": "daylight", "files": [good]}, **auth
    )
    assert bad_site.status_code == 422 and "body_site" in bad_site.json()["error"]["fields"]
    good.seek(0)
    created = client.post(
        url, {"body_site": "hands", "lighting": "woods_lamp", "files": [good]}, **auth
    )
    assert created.status_code == 201, created.json()
    photo_id = created.json()[0]["id"]
    download = client.get(f"/api/v1/photos/{photo_id}/file", {"size": "thumb"}, **auth)
    assert download.status_code == 200 and b"PhoneMaker" not in download.content
    assert [p["id"] for p in client.get(url, **auth).json()] == [photo_id]
