"""Warnings about a creator that later apps know and campaigns does not, shown where the
brand commits to working with them: the offer form, adding creators to a campaign, and
the offer API's answers.

Campaigns may not import contracts (DESIGN.md: imports point one way), so this module
is the extension point: a later app registers a provider in its AppConfig.ready()
(`provider_register`), campaigns asks every provider and renders whatever they return.
A warning never blocks: the brand may still offer.

What a provider is asked (WarningQuery): which creators, for which campaign, in which
categories and over which dates. A campaign's categories are its audience interests
(`Campaign.target_interests`, e.g. "skincare"); an offer adds the categories it asks
exclusivity in. The window runs from the later of today and the campaign's start to the
latest of the campaign's end, the offer's deliverable due dates and its exclusivity
period."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from campaigns.models import Campaign
from campaigns.selectors.payments import organization_today
from kolhub.models import Organization


@dataclass(frozen=True)
class CreatorWarning:
    kind: str  # what the provider calls it, e.g. "exclusivity"
    creator_id: int
    title: str
    message: str  # plain text; templates escape it
    url: str = ""  # the brand page of the record behind it
    record_id: int | None = None  # e.g. the conflicting contract
    categories: tuple[str, ...] = ()
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class WarningQuery:
    organization: Organization
    campaign: Campaign
    creator_ids: tuple[int, ...]
    categories: tuple[str, ...]
    start: datetime.date
    end: datetime.date
    extra: dict = field(default_factory=dict)


Provider = Callable[[WarningQuery], Iterable[CreatorWarning]]
_providers: dict[str, Provider] = {}


def provider_register(name: str, provider: Provider) -> None:
    """Called from a later app's AppConfig.ready(); registering a name again replaces it
    (ready() may run more than once in tests)."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def _categories(values: Iterable[str]) -> tuple[str, ...]:
    # The same normalisation as the exclusivity categories that contracts store.
    out: list[str] = []
    for value in values or ():
        text = " ".join(str(value).split()).lower()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def warning_query(
    *,
    organization: Organization,
    campaign: Campaign,
    creator_ids: Iterable[int],
    categories: Iterable[str] = (),
    due_dates: Iterable[datetime.date] = (),
    exclusivity_days: int | None = None,
) -> WarningQuery:
    today = organization_today(organization)
    start = max(today, campaign.start_date or today)
    ends = [start, *(d for d in due_dates if d)]
    if campaign.end_date:
        ends.append(campaign.end_date)
    if exclusivity_days:
        ends.append(start + datetime.timedelta(days=exclusivity_days))
    return WarningQuery(
        organization=organization,
        campaign=campaign,
        creator_ids=tuple(sorted({int(i) for i in creator_ids})),
        categories=_categories([*campaign.target_interests, *categories]),
        start=start,
        end=max(ends),
    )


def creator_warnings(query: WarningQuery) -> list[CreatorWarning]:
    """Every registered provider's warnings, in registration order. Nothing to ask
    about (no creators, no categories) is no warnings."""
    if not query.creator_ids or not query.categories:
        return []
    found: list[CreatorWarning] = []
    for provider in _providers.values():
        found.extend(provider(query))
    return found


def offer_warnings(
    *, organization: Organization, campaign: Campaign, creator_id: int, terms=None
) -> list[CreatorWarning]:
    """Warnings for offering `creator_id` the campaign on `terms` (an OfferTerms, an
    Offer, or None for the campaign alone)."""
    categories, due, days = (), (), None
    if terms is not None:
        categories = tuple(getattr(terms, "exclusivity_categories", ()) or ())
        days = getattr(terms, "exclusivity_days", None)
        deliverables = getattr(terms, "deliverables", ()) or ()
        if hasattr(deliverables, "all"):
            deliverables = deliverables.all()
        due = tuple(getattr(d, "due_date", None) for d in deliverables)
    return creator_warnings(
        warning_query(
            organization=organization,
            campaign=campaign,
            creator_ids=[creator_id],
            categories=categories,
            due_dates=due,
            exclusivity_days=days,
        )
    )
