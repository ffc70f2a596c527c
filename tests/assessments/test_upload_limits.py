"""Finding 8: a small file that decodes to a huge image is refused from its header with a clear
message, nothing stored; and a request that fails after its photos were written leaves files no
row names, which `repigment media sweep` removes (younger files and named files are kept)."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from repigment.assessments.models import Photo, Visit
from repigment.assessments.services import PhotoInput, clean_photos, store_photos
from repigment.patients import uploads
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, jpeg_bytes, visit


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def huge_png(width: int, height: int, alpha: bool = False) -> bytes:
    """A PNG of ``width`` x ``height`` blank pixels, compressed row by row (a few hundred KB)."""
    channels = 4 if alpha else 3
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + width * channels)  # filter byte, then the pixels
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def a_visit(world: World) -> Visit:
    consent(world.patient)
    return visit(world.patient, TODAY() - timedelta(days=7), face=[("0.5", "75")])


def test_a_59_megapixel_png_of_a_few_hundred_kb_is_refused_before_decoding(
    client: Client, world: World, a_visit: Visit, media: Path
) -> None:
    data = huge_png(8868, 6652)  # 59 MP, as in the review
    assert len(data) < 400_000
    client.force_login(world.prescriber)
    response = client.post(
        reverse("assessments:photo_upload", args=[a_visit.pk]),
        {
            "body_site": "face",
            "lighting": "daylight",
            "site_detail": "",
            "images": [SimpleUploadedFile("scan.png", data, content_type="image/png")],
        },
    )
    assert response.status_code == 200
    assert "scan.png has more than 40 megapixels" in response.content.decode()
    assert not Photo.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_png_webp_and_heic_are_limited_to_26_megapixels_and_a_jpeg_to_40() -> None:
    with pytest.raises(uploads.UploadRejected, match="has more than 26 megapixels"):
        uploads.clean_image(huge_png(5900, 4420, alpha=True), "big.png")  # 26.08 MP
    with pytest.raises(uploads.UploadRejected, match="has more than 40 megapixels"):
        uploads.clean_image(huge_png(7400, 5500), "bigger.png")  # 40.7 MP, over Pillow's too
    assert Image.MAX_IMAGE_PIXELS == uploads.MAX_PIXELS


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_stored_at_most_4096_wide() -> None:
    cleaned = uploads.clean_image(jpeg_bytes((6000, 4000)), "wide.jpg")  # 24 MP
    assert (cleaned.width, cleaned.height) == (3000, 2000)  # decoded at half scale
    assert Image.open(io.BytesIO(cleaned.content)).size == (3000, 2000)
    png = uploads.clean_image(huge_png(5000, 2500), "wide.png")
    assert (png.width, png.height) == (4096, 2048)


def test_photos_of_a_failed_transaction_are_swept_and_named_ones_kept(
    world: World, a_visit: Visit, media: Path
) -> None:
    tags = PhotoInput(body_site="face", lighting="daylight")
    one = SimpleUploadedFile("kept.jpg", jpeg_bytes())
    kept = store_photos(
        a_visit, tags, clean_photos([one]), request=None, actor=world.prescriber,
        role="prescriber",
    )[0]  # fmt: skip
    lost = SimpleUploadedFile("lost.jpg", jpeg_bytes())
    with pytest.raises(RuntimeError), transaction.atomic():
        # The request's own transaction fails after the service stored the photo (as when the
        # worker is killed before the commit): the rows go, the files stay behind.
        store_photos(
            a_visit, tags, clean_photos([lost]), request=None, actor=world.prescriber,
            role="prescriber",
        )  # fmt: skip
        raise RuntimeError("the request failed after the upload")
    assert Photo.objects.count() == 1
    files = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    named = sorted([kept.image.name, kept.thumbnail.name])
    orphans = sorted(set(files) - set(named))
    assert len(orphans) == 2  # the photo and its thumbnail

    out = io.StringIO()
    call_command("media_sweep", stdout=out)  # the orphans are younger than the grace period
    assert "0 file(s)" in out.getvalue() and "2 too recent" in out.getvalue()
    assert all((media / name).exists() for name in orphans)

    an_hour_ago = time.time() - 3700
    for name in files:
        os.utime(media / name, (an_hour_ago, an_hour_ago))
    out = io.StringIO()
    call_command("media_sweep", "--dry-run", stdout=out)
    assert f"would remove {orphans[0]}" in out.getvalue()
    assert all((media / name).exists() for name in orphans)

    out = io.StringIO()
    call_command("media_sweep", stdout=out)
    assert "2 file(s) no row names removed" in out.getvalue()
    assert not any((media / name).exists() for name in orphans)
    assert all((media / name).exists() for name in named)
