"""Uploaded files for briefs and content review: what they really are, and whether they may
be kept.

A file's type is read from its bytes (filetype's magic numbers, then Pillow decoding
images), never from its name or the browser's Content-Type: a ".jpg" that is an HTML
page is refused, because the brand's reviewer would later open it from our domain. Size
limits come from settings (CONTENT_MAX_IMAGE_BYTES, CONTENT_MAX_VIDEO_BYTES,
CONTENT_MAX_PDF_BYTES) and are checked before anything is read or stored.

Files are stored under a tenant-specific path (tenants/<organization id>/...) with a
random name and the extension of the detected type, and are only ever served through
views that check the organization or the portal link (campaigns.views.content,
portal.views.content): there is no public media URL for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

IMAGE, VIDEO, PDF = "image", "video", "pdf"

#: Detected MIME type -> (family, extension stored).
ALLOWED: dict[str, tuple[str, str]] = {
    "image/jpeg": (IMAGE, "jpg"),
    "image/png": (IMAGE, "png"),
    "image/webp": (IMAGE, "webp"),
    "image/gif": (IMAGE, "gif"),
    "video/mp4": (VIDEO, "mp4"),
    "video/quicktime": (VIDEO, "mov"),
    "video/webm": (VIDEO, "webm"),
    "application/pdf": (PDF, "pdf"),
}
FAMILY_NAMES = {IMAGE: "images (JPEG, PNG, WebP, GIF)", VIDEO: "videos (MP4, MOV, WebM)",
                PDF: "PDF documents"}  # fmt: skip
# Enough bytes for every signature above (filetype reads at most 8 KiB).
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: object  # the UploadedFile, rewound
    content_type: str
    family: str
    extension: str
    size: int
    name: str  # the name the person gave it, for display only


def max_bytes(family: str) -> int:
    return {
        IMAGE: settings.CONTENT_MAX_IMAGE_BYTES,
        VIDEO: settings.CONTENT_MAX_VIDEO_BYTES,
        PDF: settings.CONTENT_MAX_PDF_BYTES,
    }[family]


def megabytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


def _allowed_text(families: tuple[str, ...]) -> str:
    return ", ".join(FAMILY_NAMES[f] for f in families)


def _image_decodes(upload) -> bool:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def check_upload(upload, *, field: str, families: tuple[str, ...]) -> CheckedFile:
    """Accept `upload` if its bytes are one of `families` and it is within that family's
    size limit; otherwise raise ValidationError({field: why}) having stored nothing."""
    name = str(getattr(upload, "name", "") or "file")[-200:]
    size = int(getattr(upload, "size", 0) or 0)
    largest = max(max_bytes(f) for f in families)
    if size > largest:
        # Refused before reading: the limit is what protects the disk and the worker.
        raise ValidationError({field: f"{name} is {megabytes(size)}; the limit is "
                                      f"{megabytes(largest)}."})  # fmt: skip
    if size == 0:
        raise ValidationError({field: f"{name} is empty."})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    family, extension = ALLOWED.get(mime, ("", ""))
    if family not in families:
        found = f"its content is {mime}" if mime else "its content is not a recognised file type"
        raise ValidationError({field: (
            f"{name} cannot be used: {found}, whatever its name says. Upload "
            f"{_allowed_text(families)}."
        )})  # fmt: skip
    if size > max_bytes(family):
        raise ValidationError({field: f"{name} is {megabytes(size)}; {family}s may be at most "
                                      f"{megabytes(max_bytes(family))}."})  # fmt: skip
    if family == IMAGE and not _image_decodes(upload):
        raise ValidationError({field: f"{name} looks like an image but cannot be read: it may "
                                      "be damaged. Export it again and upload that."})  # fmt: skip
    return CheckedFile(upload, mime, family, extension, size, name)


def tenant_path(organization_id: int, folder: str, extension: str) -> str:
    """tenants/<org>/<folder>/<random>.<ext>: a name nobody can guess or choose."""
    return f"tenants/{organization_id}/{folder}/{uuid.uuid4().hex}.{extension}"


def file_response(field_file, *, content_type: str, name: str):
    """Stream a stored file to someone a view has already checked may see it. Served
    inline with the type we detected on upload, never sniffed by the browser, sandboxed,
    and never cached by a shared cache."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse, Http404

    if not field_file or not default_storage.exists(field_file.name):
        raise Http404("Not found")
    response = FileResponse(
        default_storage.open(field_file.name, "rb"), content_type=content_type or
        # PDFs download: browsers will not run their viewer in a sandboxed document.
        "application/octet-stream", as_attachment=ALLOWED.get(content_type, (PDF,))[0] == PDF,
        filename=name or field_file.name.rsplit("/", 1)[-1],
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    )
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
