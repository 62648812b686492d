"""Reads for promo codes, landing pages and leads, organization first.

Reads for tracking links and clicks, organization first."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from campaigns.models import Campaign, Collaboration
from kolhub.models import Organization
from tracking.models import Click, LandingPage, LandingPageSlug, Lead, PromoCode, TrackingLink
from tracking.selectors.ledger import day_bounds


def promo_code_queryset(*, organization: Organization) -> QuerySet[PromoCode]:
    return PromoCode.objects.for_org(organization).select_related(
        "collaboration__creator", "collaboration__campaign"
    )


def promo_code_list(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    collaboration: Collaboration | None = None,
) -> list[PromoCode]:
    queryset = promo_code_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(collaboration__campaign=campaign)
    if collaboration is not None:
        queryset = queryset.filter(collaboration=collaboration)
    return list(queryset)


def promo_code_get(
    *, organization: Organization, promo_code_id: int, campaign: Campaign | None = None
) -> PromoCode:
    queryset = promo_code_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(collaboration__campaign=campaign)
    return queryset.get(pk=promo_code_id)


def landing_page_queryset(*, organization: Organization) -> QuerySet[LandingPage]:
    return LandingPage.objects.for_org(organization).select_related(
        "collaboration__creator", "collaboration__campaign", "product", "promo_code"
    )


def landing_page_list(
    *, organization: Organization, campaign: Campaign | None = None
) -> list[LandingPage]:
    queryset = landing_page_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(collaboration__campaign=campaign)
    return list(queryset)


def landing_page_for_collaboration(
    *, organization: Organization, collaboration: Collaboration
) -> LandingPage | None:
    return (
        landing_page_queryset(organization=organization).filter(collaboration=collaboration).first()
    )


def landing_page_register_get(*, slug: str) -> LandingPageSlug | None:
    """Platform-level: which organization a public slug belongs to (the one query made
    before entering its tenant)."""
    return LandingPageSlug.objects.select_related("organization").filter(slug=slug).first()


def landing_page_public_get(*, organization: Organization, landing_page_id: int) -> LandingPage:
    return landing_page_queryset(organization=organization).get(pk=landing_page_id, is_active=True)


def lead_queryset(*, organization: Organization) -> QuerySet[Lead]:
    return Lead.objects.for_org(organization).select_related("collaboration__creator")


def lead_list(*, organization: Organization, campaign: Campaign) -> QuerySet[Lead]:
    return lead_queryset(organization=organization).filter(campaign=campaign)


def lead_count_for_collaboration(
    *, organization: Organization, collaboration: Collaboration
) -> int:
    return Lead.objects.for_org(organization).filter(collaboration=collaboration).count()


def lead_counts_by_collaboration(
    *, organization: Organization, campaign: Campaign
) -> dict[int, int]:
    """Leads per collaboration of a campaign: for a lead-generation campaign these are its
    conversions (a lead counts once, for its latest touch). The rollups read this."""
    rows = (
        Lead.objects.for_org(organization)
        .filter(campaign=campaign)
        .values("collaboration_id")
        .annotate(n=Count("id"))
    )
    return {row["collaboration_id"]: row["n"] for row in rows}


def tracking_link_list(
    *,
    organization: Organization,
    collaboration: Collaboration | None = None,
    campaign: Campaign | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TrackingLink]:
    """Links with their clicks: every click recorded, and the deduplicated ones (a repeat
    of one visitor within 30 minutes counts once), on the days given (the organization's
    days), else all time."""
    in_range = Q()
    start, end = day_bounds(organization, date_from, date_to)
    if start:
        in_range &= Q(clicks__clicked_at__gte=start)
    if end:
        in_range &= Q(clicks__clicked_at__lt=end)
    qs = TrackingLink.objects.filter(organization=organization).annotate(
        clicks_recorded=Count("clicks", filter=in_range),
        clicks_unique=Count("clicks", filter=in_range & Q(clicks__is_unique=True)),
    )
    if collaboration is not None:
        qs = qs.filter(collaboration=collaboration)
    if campaign is not None:
        qs = qs.filter(collaboration__campaign=campaign)
    return qs.select_related("collaboration__creator", "collaboration__campaign").order_by(
        "platform", "id"
    )


def tracking_link_get(*, organization: Organization, link_id: int) -> TrackingLink:
    return tracking_link_list(organization=organization).get(pk=link_id)


def click_list(*, organization: Organization, link_id: int | None = None,
               unique: bool | None = None, since=None, until=None) -> QuerySet[Click]:  # fmt: skip
    qs = Click.objects.filter(organization=organization)
    if link_id is not None:
        qs = qs.filter(link_id=link_id)
    if unique is not None:
        qs = qs.filter(is_unique=unique)
    if since is not None:
        qs = qs.filter(clicked_at__gte=since)
    if until is not None:
        qs = qs.filter(clicked_at__lt=until)
    return qs
