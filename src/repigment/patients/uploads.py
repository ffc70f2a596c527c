"""Uploaded files are judged by their content, not their name, and kept without metadata.

An image is decoded only by the decoders for JPEG, PNG, WEBP and HEIC/HEIF, turned upright by its
orientation tag, converted to sRGB when it carries a colour profile, and written again from its
pixels alone: EXIF (GPS position, camera, time), XMP, IPTC, comments and text chunks are all
left behind. PNG stays PNG (lossless); everything else becomes a high-quality JPEG.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import pillow_heif
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
MAX_PIXELS = 60_000_000  # a 60-megapixel photo; larger is refused before decoding
MAX_EDGE = 4096  # stored photos are scaled down to this longest side
THUMBNAIL_EDGE = 480
JPEG_QUALITY = 92
PDF_MAGIC = b"%PDF-"


@contextmanager
def delete_files_on_error() -> Iterator[list[FieldFile]]:
    """Collect files written during a save; if the save fails, remove them again.

    Wrap it around ``transaction.atomic()`` so a failed save leaves neither rows nor files.
    """
    written: list[FieldFile] = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            field_file.delete(save=False)
        raise


def stored_file_response(stored: FieldFile, content_type: str, filename: str = "") -> HttpResponse:
    """A stored upload as a response that no shared cache or browser history keeps.

    Call it only after the access check and the audit entry. The file is read whole (photos
    and forms are at most a few megabytes), so no file handle outlives the request.
    """
    try:
        with stored.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404("the stored file is missing") from None
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    disposition = f'inline; filename="{filename}"' if filename else "inline"
    response["Content-Disposition"] = disposition
    return response


class UploadRejected(ValueError):
    """An upload we will not store; the message says why in words for the person uploading."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    extension: str
    content_type: str
    width: int = 0
    height: int = 0
    source_format: str = ""


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def read_upload(upload: IO[bytes], name: str, size: int | None) -> bytes:
    """The file's bytes, refusing it (before reading it all) when it is over the size limit."""
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise UploadRejected(_too_large(name, size, limit))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_too_large(name, len(data), limit))
    if not data:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name})
    return data


def _too_large(name: str, size: int, limit: int) -> str:
    return _("%(name)s is %(size)s; files may be at most %(limit)s.") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def clean_image(data: bytes, name: str = "") -> CleanFile:
    """A metadata-free copy of an accepted image, or UploadRejected."""
    image = _open_image(data, name)
    source = str(image.format)
    image = ImageOps.exif_transpose(image) or image
    keep_alpha = source == "PNG" and _has_alpha(image)
    image = _in_srgb(image, "RGBA" if keep_alpha else "RGB")
    image.info = {}
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if source == "PNG":
        image.save(out, "PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
        extension, content_type = "jpg", "image/jpeg"
    width, height = image.size
    return CleanFile(out.getvalue(), extension, content_type, width, height, source)


def thumbnail(data: bytes) -> bytes:
    """A small JPEG of a cleaned image, for lists and comparisons."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = _flatten(image)
        image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue()


def clean_document(data: bytes, name: str = "") -> CleanFile:
    """A signed form: a PDF as it is, or a photo or scan cleaned like any image."""
    if data.startswith(PDF_MAGIC):
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected(_("%(name)s looks like a damaged PDF.") % {"name": name})
        return CleanFile(data, "pdf", "application/pdf")
    try:
        return clean_image(data, name)
    except UploadRejected:
        raise UploadRejected(
            _(
                "%(name)s is not a PDF or a JPEG, PNG, HEIC or WEBP image (judged by its "
                "content, not its name)."
            )
            % {"name": name}
        ) from None


def _open_image(data: bytes, name: str) -> Image.Image:
    refused = UploadRejected(
        _("%(name)s is not a JPEG, PNG, HEIC or WEBP image (judged by its content, not its name).")
        % {"name": name}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_IMAGE_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise UploadRejected(
                    _("%(name)s has more than %(mp)s megapixels; take a smaller photo.")
                    % {"name": name, "mp": MAX_PIXELS // 1_000_000}
                )
            image.load()
        except UploadRejected:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Warning):
            raise refused from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise refused from None
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _in_srgb(image: Image.Image, mode: str) -> Image.Image:
    """The pixels in ``mode`` (RGB or RGBA), in sRGB when the image carries a colour profile."""
    if _has_alpha(image) and image.mode not in ("RGBA", "LA"):
        image = image.convert("RGBA")
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            out_mode = mode if image.mode in ("RGBA", "LA") else "RGB"
            converted = ImageCms.profileToProfile(image, source, target, outputMode=out_mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile is dropped; the pixels are kept as they are
    return _flatten(image) if mode == "RGB" else image.convert(mode)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white."""
    if image.mode == "RGB":
        return image
    if "A" not in image.mode:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
