"""Reads for promo codes, landing pages and leads, organization first."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from campaigns.models import Campaign, Collaboration
from kolhub.models import Organization
from tracking.models import LandingPage, LandingPageSlug, Lead, PromoCode


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
