"""Files and collaborations for the brief and content-review tests: real image bytes made
by Pillow, a minimal MP4 header, an HTML page named .jpg, and a collaboration taken
through real transitions to "product shipped" with its deliverables."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.models import Collaboration, ContentDeliverable
from campaigns.pipeline import Stage
from tests.campaigns.factories import agreed_collaboration


def png_bytes(size=(8, 8), color=(200, 40, 90)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


# An ISO base media file header (ftyp box, brand mp42) followed by an empty mdat box.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08mdat"
HTML_AS_JPG = b"<!DOCTYPE html><html><script>alert('x')</script></html>"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png(name: str = "draft.png"):
    return upload(name, png_bytes(), "image/png")


def shipped_collaboration(organization, campaign=None, *, creator=None, by=None,
                          deliverables=None) -> Collaboration:  # fmt: skip
    """Agreed (deliverables made from the terms), contracted and shipped."""
    overrides = {"deliverables": deliverables} if deliverables is not None else {}
    collaboration = agreed_collaboration(organization, campaign, creator=creator, by=by,
                                         **overrides)  # fmt: skip
    for stage in (Stage.CONTRACTED, Stage.PRODUCT_SHIPPED):
        services.collaboration_transition(organization=organization,
                                          collaboration=collaboration, to_stage=stage, by=by)  # fmt: skip
    collaboration.refresh_from_db()
    return collaboration


def deliverables_of(collaboration) -> list[ContentDeliverable]:
    return list(ContentDeliverable.objects.filter(collaboration=collaboration)
                .order_by("position", "piece"))  # fmt: skip


def publish_brief(organization, campaign, *, by=None, **data):
    data.setdefault("goals", "Explain the barrier serum")
    data.setdefault("disclosures", ["#ad"])
    services.brief_save(organization=organization, campaign=campaign, data=data, by=by)
    return services.brief_publish(organization=organization, campaign=campaign, by=by)
