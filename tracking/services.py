"""Writes for tracking links: one transaction each, organization first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.models import Collaboration
from creators.models import Platform, SocialAccount
from kolhub.models import Organization
from tracking import links
from tracking.clicks import forget_code
from tracking.models import LinkCode, TrackingLink


@transaction.atomic
def tracking_link_create(*, organization: Organization, collaboration: Collaboration,
                         platform: str, destination_url: str, by=None) -> TrackingLink:  # fmt: skip
    if collaboration.organization_id != organization.pk:
        # FK checks bypass RLS (TENANCY.md): refuse another organization's row here.
        raise ValidationError("Collaboration not found.")
    if platform not in Platform.values:
        raise ValidationError({"platform": "Choose one of the platforms."})
    destination = links.validate_destination(destination_url)
    if TrackingLink.objects.filter(collaboration=collaboration, platform=platform).exists():
        raise ValidationError(
            {"platform": "This collaboration already has a link for that platform."}
        )
    creator = collaboration.creator
    account = SocialAccount.objects.filter(creator=creator, platform=platform).first()
    target = links.tracked_url(
        destination, platform=platform, role=creator.role,
        campaign_slug=collaboration.campaign.slug, handle=account.handle if account else "",
    )  # fmt: skip
    for _attempt in range(5):
        code = links.new_code()
        try:
            with transaction.atomic():
                link = TrackingLink(
                    organization=organization, collaboration=collaboration, platform=platform,
                    destination_url=destination, tracked_url=target, code=code, created_by=by,
                )  # fmt: skip
                link.full_clean()
                link.save()
                LinkCode.objects.create(code=code, organization=organization, link_id=link.pk,
                                        target_url=target)  # fmt: skip
            return link
        except IntegrityError:
            continue  # a code collision: draw again
    raise ValidationError("Could not allocate a short code; try again.")


@transaction.atomic
def tracking_link_delete(*, organization: Organization, link: TrackingLink) -> None:
    if link.organization_id != organization.pk:
        raise ValidationError("Link not found.")
    code = link.code
    LinkCode.objects.filter(code=code).delete()
    link.delete()
    # The cached code → URL map must not outlive the link.
    transaction.on_commit(lambda: forget_code(code))
