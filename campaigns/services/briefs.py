"""The creative brief's writes: saving the draft, adding and removing reference files,
publishing a version, and a creator acknowledging the version they read.

A published version is never edited: publishing copies the draft into a new, numbered
BriefVersion, so what a creator acknowledged stays exactly what they read. A newer
version has no acknowledgements yet, so the portal asks again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns.models import (
    Brief,
    BriefAcknowledgement,
    BriefAsset,
    BriefVersion,
    Campaign,
    Collaboration,
)
from campaigns.models.content import MAX_LIST, brief_content
from campaigns.pipeline import Stage
from campaigns.services.guards import same_org
from campaigns.uploads import IMAGE, PDF, VIDEO, check_upload, tenant_path
from kolhub.models import Organization

TEXT_FIELDS = ("goals", "talking_points", "dos", "donts", "deliverable_specs")
LIST_FIELDS = {"disclosures": 60, "mentions": 60, "links": 500, "promo_codes": 60,
               "reference_urls": 500}  # fmt: skip
URL_FIELDS = ("links", "reference_urls")
MAX_TEXT = 5000
_url = URLValidator(schemes=["http", "https"])


def _items(value, field: str, limit: int) -> list[str]:
    if isinstance(value, str):
        value = value.replace(",", "\n").splitlines()
    items = list(dict.fromkeys(" ".join(str(v).split()) for v in value or ()))
    items = [v for v in items if v]
    if len(items) > MAX_LIST:
        raise ValidationError({field: f"At most {MAX_LIST} entries."})
    for item in items:
        if len(item) > limit:
            raise ValidationError({field: f"Keep each entry under {limit} characters: "
                                          f"{item[:30]}…"})  # fmt: skip
        if field in URL_FIELDS:
            try:
                _url(item)
            except ValidationError:
                raise ValidationError(
                    {field: f"{item} is not a web address (https://…)."}
                ) from None
        if field == "mentions" and " " in item:
            raise ValidationError({field: f"{item}: a handle has no spaces."})
    if field == "mentions":
        items = [m if m.startswith("@") else f"@{m}" for m in items]
    return items


def brief_content_parse(data: Mapping[str, Any]) -> dict[str, Any]:
    """The brief's fields from a form, the API or demo data, validated field by field.
    Fields not given are left out (a partial update keeps them)."""
    parsed: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        if field in data:
            text = str(data.get(field) or "").strip()
            if len(text) > MAX_TEXT:
                raise ValidationError({field: f"Keep it under {MAX_TEXT} characters."})
            parsed[field] = text
    for field, limit in LIST_FIELDS.items():
        if field in data:
            parsed[field] = _items(data.get(field), field, limit)
    if "paid_partnership_label" in data:
        parsed["paid_partnership_label"] = bool(data.get("paid_partnership_label"))
    return parsed


def _draft(organization: Organization, campaign: Campaign) -> Brief:
    # Locked (the campaign first, so two first saves cannot both create a draft): two
    # people saving or publishing at once queue up instead of racing.
    Campaign.objects.for_org(organization).select_for_update().filter(pk=campaign.pk).first()
    brief = (
        Brief.objects.for_org(organization).select_for_update().filter(campaign=campaign).first()
    )
    if brief is None:
        brief = Brief(organization=organization, campaign=campaign)
        brief.full_clean(exclude=["campaign", "organization"])
        brief.save()
    return brief


@transaction.atomic
def brief_save(
    *, organization: Organization, campaign: Campaign, data: Mapping[str, Any],
    by: AbstractBaseUser | None,
) -> Brief:  # fmt: skip
    """Save the draft. Creators see nothing of it until it is published."""
    same_org(organization, campaign)
    parsed = brief_content_parse(data)
    brief = _draft(organization, campaign)
    for field, value in parsed.items():
        setattr(brief, field, value)
    brief.updated_by = by
    brief.save()
    return brief


@transaction.atomic
def brief_publish(
    *, organization: Organization, campaign: Campaign, by: AbstractBaseUser | None,
    note: str = "",
) -> BriefVersion:  # fmt: skip
    """Publish the draft as the next version. Publishing a draft identical to the latest
    version (a double click) returns that version instead of a copy."""
    same_org(organization, campaign)
    brief = _draft(organization, campaign)
    content = brief_content(brief)
    assets = sorted(
        BriefAsset.objects.for_org(organization)
        .filter(brief=brief, removed_at__isnull=True)
        .values_list("id", flat=True)
    )
    if not any(content.values()) and not assets:
        raise ValidationError("The brief is empty: write its goals and must-haves first.")
    latest = (
        BriefVersion.objects.for_org(organization).filter(brief=brief).order_by("-number").first()
    )
    unchanged = latest is not None and brief_content(latest) == content
    if unchanged and sorted(latest.asset_ids) == assets:
        return latest
    note = " ".join((note or "").split())
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note under 500 characters."})
    number = (
        BriefVersion.objects.for_org(organization).filter(campaign=campaign)
        .aggregate(n=Max("number"))["n"] or 0
    ) + 1  # fmt: skip
    return BriefVersion.objects.create(
        organization=organization, brief=brief, campaign=campaign, number=number,
        asset_ids=assets, note=note, published_at=timezone.now(), published_by=by, **content,
    )  # fmt: skip


@transaction.atomic
def brief_asset_add(
    *, organization: Organization, campaign: Campaign, upload, by: AbstractBaseUser | None
) -> BriefAsset:
    """A reference file on the draft (image, video or PDF, checked by its content). It
    reaches creators with the next published version."""
    same_org(organization, campaign)
    checked = check_upload(upload, field="file", families=(IMAGE, VIDEO, PDF))
    brief = _draft(organization, campaign)
    if BriefAsset.objects.for_org(organization).filter(brief=brief, removed_at__isnull=True
                                                        ).count() >= MAX_LIST:  # fmt: skip
        raise ValidationError({"file": f"At most {MAX_LIST} reference files."})
    name = tenant_path(organization.pk, "briefs", checked.extension)
    asset = BriefAsset.objects.create(
        organization=organization, brief=brief, file=name, name=checked.name,
        content_type=checked.content_type, size=checked.size, uploaded_by=by,
    )  # fmt: skip
    # Written last, after every check, so a refusal stores nothing.
    stored = default_storage.save(name, checked.upload)
    if stored != name:
        asset.file.name = stored
        asset.save(update_fields=["file", "updated_at"])
    return asset


@transaction.atomic
def brief_asset_remove(*, organization: Organization, asset: BriefAsset) -> BriefAsset:
    """Take a file off the draft. The file is kept: published versions may list it."""
    same_org(organization, asset)
    if asset.removed_at is None:
        asset.removed_at = timezone.now()
        asset.save(update_fields=["removed_at", "updated_at"])
    return asset


#: A creator reads the brief once the brand has reached out (not while shortlisted) and
#: until the collaboration ends.
ACKNOWLEDGEABLE = frozenset({
    Stage.INVITED, Stage.NEGOTIATING, Stage.AGREED, Stage.CONTRACTED, Stage.PRODUCT_SHIPPED,
    Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.PUBLISHED,
})  # fmt: skip


@transaction.atomic
def brief_acknowledge(
    *, organization: Organization, collaboration: Collaboration, version: BriefVersion,
    by: AbstractBaseUser | None = None, actor: str = "creator via portal",
) -> BriefAcknowledgement:  # fmt: skip
    """The collaboration's creator read `version`. Idempotent: acknowledging the same
    version again returns the first acknowledgement (its time stays the first read)."""
    same_org(organization, collaboration, version)
    if version.campaign_id != collaboration.campaign_id:
        raise ValidationError("That brief belongs to another campaign.")
    if collaboration.stage not in ACKNOWLEDGEABLE:
        raise ValidationError(
            f"The collaboration is {collaboration.get_stage_display().lower()}: there is no "
            "brief to acknowledge."
        )
    # Locked: a double tap acknowledges once instead of failing on the unique constraint.
    Collaboration.objects.for_org(organization).select_for_update().filter(
        pk=collaboration.pk
    ).first()
    ack, _created = BriefAcknowledgement.objects.get_or_create(
        organization=organization, version=version, collaboration=collaboration,
        defaults={"acknowledged_at": timezone.now(), "by": by,
                  "actor": (actor or "creator via portal")[:80]},
    )  # fmt: skip
    return ack
