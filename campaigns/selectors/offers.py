"""Reads for negotiation: a collaboration's offer versions with their terms and the
differences from the version before, the version on the table, and the API's offers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from campaigns.models import (
    Collaboration,
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OfferStatus,
)
from campaigns.terms import Change, OfferTerms, diff, terms_of
from kolhub.models import Organization


def offer_queryset(*, organization: Organization) -> QuerySet[Offer]:
    """Offers with their rows, ready for terms_of()."""
    return (
        Offer.objects.for_org(organization)
        .select_related("proposed_by_user", "decided_by_user")
        .prefetch_related(
            Prefetch("deliverables", queryset=OfferDeliverable.objects.for_org(organization)),
            Prefetch("gifts", queryset=OfferGift.objects.for_org(organization)),
            Prefetch("installments", queryset=OfferInstallment.objects.for_org(organization)),
        )
    )


def offer_get(
    *, organization: Organization, offer_id: int, collaboration: Collaboration | None = None
) -> Offer:
    queryset = offer_queryset(organization=organization)
    if collaboration is not None:
        queryset = queryset.filter(collaboration=collaboration)
    return queryset.get(pk=offer_id)


@dataclass
class OfferVersion:
    """One version as the history shows it: the offer, its terms, and what changed from
    the version before it (empty for the first)."""

    offer: Offer
    terms: OfferTerms
    changes: list[Change] = field(default_factory=list)
    previous: Offer | None = None

    @property
    def is_first(self) -> bool:
        return self.previous is None


def offer_history(
    *, organization: Organization, collaboration: Collaboration
) -> list[OfferVersion]:
    """Every version, newest first, each with its differences from the one before."""
    offers = list(
        offer_queryset(organization=organization)
        .filter(collaboration=collaboration)
        .order_by("version")
    )
    versions: list[OfferVersion] = []
    previous: OfferVersion | None = None
    for offer in offers:
        version = OfferVersion(offer=offer, terms=terms_of(offer))
        if previous is not None:
            version.previous = previous.offer
            version.changes = diff(previous.terms, version.terms)
        versions.append(version)
        previous = version
    return versions[::-1]


def offer_on_table(versions: list[OfferVersion]) -> OfferVersion | None:
    """The open version if there is one, else the accepted one, from offer_history()."""
    for status in (OfferStatus.OPEN, OfferStatus.ACCEPTED):
        for version in versions:
            if version.offer.status == status:
                return version
    return None


def offer_diff(
    *, organization: Organization, offer: Offer, against: Offer | None = None
) -> tuple[Offer | None, list[Change]]:
    """What changed from `against` (by default the version before `offer`) to `offer`:
    (the version compared against, the changes). The first version has nothing before
    it: (None, [])."""
    if against is None:
        against = (
            offer_queryset(organization=organization)
            .filter(collaboration_id=offer.collaboration_id, version__lt=offer.version)
            .order_by("-version")
            .first()
        )
    if against is None:
        return None, []
    return against, diff(terms_of(against), terms_of(offer))
