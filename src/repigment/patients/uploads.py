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
#: The most pixels an upload may have, read from its header before any pixel is decoded: a phone
#: photo at full size (most phones save 12 MP, some 24 MP; 48-50 MP modes are refused).
MAX_PIXELS = 40_000_000
#: The most an upload may take once decoded (Pillow holds RGB and RGBA alike in 4 bytes a pixel).
#: A JPEG is decoded at a reduced scale when it is far larger than what is stored, so a 40 MP one
#: stays well inside; a PNG, WEBP or HEIC image is decoded whole, so it may have 26 MP (the
#: 24 MP photos phones save by default fit). With the reduction done strip by strip
#: (``_shrink``), a worker stays under 300 MB for the largest accepted upload: HEIC needs about
#: 7 bytes a pixel on top of a worker's ~105 MB, so 30 MP peaked at 314 MB and 26 MP stays near
#: 290 MB (``make bench-micro`` measures it).
MAX_DECODED_PIXELS = 26_000_000
# Pillow's own decompression-bomb limit, for every image this process opens.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
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
    keep_alpha = source == "PNG" and _has_alpha(image)
    # Scale down first, so that turning, colour and re-encoding work on the small copy and the
    # peak is the decoded upload plus its reduction, not several full-size copies.
    if image.mode not in _RESIZABLE_MODES:
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    size = _fit(image.size, MAX_EDGE)
    if size != image.size:
        image = _shrink(image, size)
    ImageOps.exif_transpose(image, in_place=True)
    image = _in_srgb(image, "RGBA" if keep_alpha else "RGB")
    image.info = {}
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

    def too_many(limit: int) -> UploadRejected:
        return UploadRejected(
            _(
                "%(name)s has more than %(mp)s megapixels; take a smaller photo or scan (JPEG "
                "photos may have %(jpeg)s megapixels, PNG, WEBP and HEIC images %(other)s)."
            )
            % {
                "name": name,
                "mp": limit // 1_000_000,
                "jpeg": MAX_PIXELS // 1_000_000,
                "other": MAX_DECODED_PIXELS // 1_000_000,
            }
        )

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_IMAGE_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise too_many(MAX_PIXELS)
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still leaves 60% of what is stored.
                wanted = _fit(image.size, MAX_EDGE)
                image.draft(image.mode, (wanted[0] * 3 // 5, wanted[1] * 3 // 5))
            elif image.width * image.height > MAX_DECODED_PIXELS:
                raise too_many(MAX_DECODED_PIXELS)
            image.load()
        except UploadRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many(MAX_PIXELS) from None  # Pillow's own check, from the header too
        except (UnidentifiedImageError, Warning):
            raise refused from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise refused from None
    return image


#: Modes Pillow scales with a proper filter; others (palette, 16-bit, 1-bit) are converted first.
_RESIZABLE_MODES = ("RGB", "RGBA", "L", "LA", "CMYK", "RGBX")
#: Output rows made at a time by ``_shrink``.
_STRIP_ROWS = 128


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its longer side is at most ``edge``."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` resized (Lanczos) to ``size``, a strip of rows at a time.

    The same pixels as one ``resize``, without its full-height intermediate, and each strip's
    alpha premultiplied on its own rows rather than on a copy of the whole image.
    """
    width, height = image.size
    out = Image.new(image.mode, size)
    out.info = dict(image.info)  # the orientation tag and the colour profile travel on
    scale = height / size[1]
    margin = int(3 * max(scale, 1.0)) + 2  # the Lanczos filter reaches 3 source rows per row
    for top in range(0, size[1], _STRIP_ROWS):
        bottom = min(top + _STRIP_ROWS, size[1])
        first, last = top * scale, bottom * scale
        crop_top = max(0, int(first) - margin)
        crop_bottom = min(height, int(last) + 1 + margin)
        rows = image.crop((0, crop_top, width, crop_bottom))
        part = rows.resize(
            (size[0], bottom - top),
            Image.Resampling.LANCZOS,
            box=(0, first - crop_top, width, last - crop_top),
        )
        out.paste(part, (0, top))
    return out


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
