"""Reads for creator portal access: a creator's links and claim (the brand's side), the
collaborations a creator sees in the portal, and an account's collaborations across
every organization that linked it (entering each organization's context in turn)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from campaigns.models import (
    BriefAcknowledgement,
    BriefVersion,
    Collaboration,
    ContentDeliverable,
    DeliverableStatus,
    Offer,
    OfferStatus,
    PortalAccountLink,
    PortalClaim,
    PortalToken,
    ShippingAddress,
)
from campaigns.pipeline import Stage
from creators.models import Creator
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context

# A creator sees a collaboration once the brand has reached out: a shortlist is the
# brand's private working list.
HIDDEN_FROM_CREATOR = (Stage.SHORTLISTED,)


def portal_token_list(*, organization: Organization, creator: Creator) -> list[PortalToken]:
    """The creator's links, newest first, each with `.state` (active, expired, revoked)."""
    now = timezone.now()
    tokens = list(
        PortalToken.objects.for_org(organization)
        .filter(creator=creator)
        .select_related("issued_by", "revoked_by")
    )
    for token in tokens:
        token.state = token.state_at(now)
    return tokens


def portal_token_get(*, organization: Organization, token_id: int) -> PortalToken:
    return PortalToken.objects.for_org(organization).select_related("creator").get(pk=token_id)


def portal_claim_get(*, organization: Organization, creator: Creator) -> PortalClaim | None:
    return (
        PortalClaim.objects.for_org(organization)
        .filter(creator=creator)
        .select_related("user")
        .first()
    )


def portal_collaboration_queryset(
    *, organization: Organization, creator: Creator
) -> QuerySet[Collaboration]:
    """The creator's collaborations the portal shows, each with `open_offers` (a list of
    at most one), its terms, and `has_address` (the creator gave a shipping address)."""
    return (
        Collaboration.objects.for_org(organization)
        .filter(creator=creator)
        .exclude(stage__in=HIDDEN_FROM_CREATOR)
        .select_related("campaign", "terms")
        .annotate(
            has_address=Exists(
                ShippingAddress.objects.for_org(organization).filter(creator=OuterRef("creator_id"))
            )
        )  # fmt: skip
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.for_org(organization).filter(status=OfferStatus.OPEN),
                to_attr="open_offers",
            )
        )
        .annotate(**_content_flags(organization))
        .order_by("-stage_changed_at", "-id")
    )


def _content_flags(organization: Organization) -> dict:
    """What waits on the creator in content review (portal.guidance): a draft the brand
    sent back, and a brief version they have not acknowledged."""
    latest = (
        BriefVersion.objects.for_org(organization)
        .filter(campaign=OuterRef("campaign"))
        .order_by("-number")
        .values("pk")[:1]
    )
    return {
        "changes_requested": Exists(ContentDeliverable.objects.for_org(organization).filter(
            collaboration=OuterRef("pk"), status=DeliverableStatus.CHANGES_REQUESTED)),
        "latest_brief_id": Subquery(latest),
        "brief_read": Exists(BriefAcknowledgement.objects.for_org(organization).filter(
            collaboration=OuterRef("pk"), version_id=OuterRef("latest_brief_id"))),
    }  # fmt: skip


def portal_collaboration_list(
    *, organization: Organization, creator: Creator
) -> list[Collaboration]:
    return list(portal_collaboration_queryset(organization=organization, creator=creator))


def portal_collaboration_get(
    *, organization: Organization, creator: Creator, collaboration_id: int
) -> Collaboration:
    """One of the creator's visible collaborations; another creator's, a shortlisted one
    or one of another organization does not exist (Collaboration.DoesNotExist)."""
    return portal_collaboration_queryset(organization=organization, creator=creator).get(
        pk=collaboration_id
    )


def portal_account_organizations(*, user: AbstractBaseUser) -> list[Organization]:
    """The organizations in which `user` claimed a creator: a platform-level read of the
    index, which holds no tenant data."""
    return [
        link.organization
        for link in PortalAccountLink.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    ]


def portal_account_resolve(
    *, user: AbstractBaseUser, organization_slug: str
) -> tuple[Organization, Creator] | None:
    """The creator `user` claimed in the organization with that slug, or None. Reads the
    claim inside that organization's context."""
    link = (
        PortalAccountLink.objects.filter(user=user, organization__slug=organization_slug)
        .select_related("organization")
        .first()
    )
    if link is None:
        return None
    with tenant_context(link.organization):
        claim = PortalClaim.objects.filter(user=user).select_related("creator").first()
    if claim is None:
        return None
    return link.organization, claim.creator


@dataclass
class AccountBrand:
    organization: Organization
    creator: Creator
    collaborations: list[Collaboration] = field(default_factory=list)


def portal_account_overview(*, user: AbstractBaseUser) -> list[AccountBrand]:
    """Each organization that linked `user`, with the creator they are there and the
    collaborations they see: one tenant context per organization, never a query across
    tenants."""
    brands = []
    for organization in portal_account_organizations(user=user):
        with tenant_context(organization):
            claim = PortalClaim.objects.filter(user=user).select_related("creator").first()
            if claim is None:
                continue
            brands.append(AccountBrand(
                organization, claim.creator,
                portal_collaboration_list(organization=organization, creator=claim.creator),
            ))  # fmt: skip
    return brands
