"""Reads of the attribution ledger for reports, exports and the API: conversions with the
credit that stands on them (its rule and creator), ledger entries with their evidence,
and overlaps (orders where candidates of different collaborations competed).

These list rows for a person to inspect, so they read the raw ledger; dashboard figures
come from the daily rollups (tracking.selectors.results)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from campaigns.models import Campaign, Collaboration
from kolhub.models import Organization
from tracking.models import AttributionEntry, Conversion, EntryKind


def day_bounds(organization: Organization, date_from, date_to):
    """A date range in the organization's timezone as [start, end) datetimes."""
    zone = ZoneInfo(organization.timezone)
    start = datetime.datetime.combine(date_from, datetime.time(), zone) if date_from else None
    end = (
        datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(), zone)
        if date_to
        else None
    )
    return start, end


def standing_credits(organization: Organization) -> QuerySet[AttributionEntry]:
    """Credits no reversal has withdrawn."""
    reversed_ = AttributionEntry.objects.for_org(organization).filter(
        kind=EntryKind.REVERSAL, reverses=OuterRef("pk")
    )
    return (
        AttributionEntry.objects.for_org(organization)
        .filter(kind=EntryKind.CREDIT)
        .exclude(Exists(reversed_))
    )


def conversion_queryset(*, organization: Organization) -> QuerySet[Conversion]:
    """Conversions annotated with the credit standing on them (none when unattributed or
    withdrawn): `credit_id`, `credit_rule`, `credit_collaboration_id`, `credit_campaign_id`,
    `credit_creator_name`."""
    credit = standing_credits(organization).filter(conversion=OuterRef("pk")).order_by("-id")
    return Conversion.objects.for_org(organization).annotate(
        credit_id=Subquery(credit.values("id")[:1]),
        credit_rule=Subquery(credit.values("rule")[:1]),
        credit_collaboration_id=Subquery(credit.values("collaboration_id")[:1]),
        credit_campaign_id=Subquery(credit.values("campaign_id")[:1]),
        credit_creator_name=Subquery(credit.values("collaboration__creator__name")[:1]),
    )


def conversion_list(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    attributed: bool | None = None,
    source: str = "",
    search: str = "",
) -> QuerySet[Conversion]:
    """Newest first. For a campaign: the conversions it holds a standing credit on.
    `attributed`: only those with (True) or without (False) a standing credit; `search`:
    part of the order name or the external id."""
    queryset = conversion_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(credit_campaign_id=campaign.pk)
    if attributed is not None:
        queryset = queryset.filter(credit_id__isnull=not attributed)
    if source:
        queryset = queryset.filter(source=source)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(external_id__icontains=search))
    start, end = day_bounds(organization, date_from, date_to)
    if start:
        queryset = queryset.filter(occurred_at__gte=start)
    if end:
        queryset = queryset.filter(occurred_at__lt=end)
    return queryset.order_by("-occurred_at", "-id")


def conversion_get(*, organization: Organization, conversion_id: int) -> Conversion:
    return conversion_queryset(organization=organization).get(pk=conversion_id)


def ledger_entry_queryset(*, organization: Organization) -> QuerySet[AttributionEntry]:
    return AttributionEntry.objects.for_org(organization).select_related(
        "conversion", "collaboration__creator", "campaign"
    )


def ledger_entry_list(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    collaboration_id: int | None = None,
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AttributionEntry]:
    """In the order they were written (the ledger is append-only)."""
    queryset = ledger_entry_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if collaboration_id is not None:
        queryset = queryset.filter(collaboration_id=collaboration_id)
    if kind:
        queryset = queryset.filter(kind=kind)
    start, end = day_bounds(organization, date_from, date_to)
    if start:
        queryset = queryset.filter(effective_at__gte=start)
    if end:
        queryset = queryset.filter(effective_at__lt=end)
    return queryset.order_by("id")


@dataclass(frozen=True)
class Candidate:
    collaboration_id: int
    # None when the id is not a collaboration of this organization (never shown then).
    collaboration: Collaboration | None
    rule: str
    at: str
    won: bool


@dataclass(frozen=True)
class Overlap:
    credit: AttributionEntry
    standing: bool
    winner: Candidate
    others: list[Candidate]

    @property
    def conversion(self) -> Conversion:
        return self.credit.conversion


def _candidate_ids(credit: AttributionEntry) -> set[int]:
    ids = set()
    for candidate in credit.evidence.get("candidates") or []:
        try:
            ids.add(int(candidate["collaboration_id"]))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed candidate names no one; it cannot compete
    return ids


def overlap_list(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[Overlap]:
    """Credits whose evidence lists candidates of more than one collaboration, newest
    order first. For a campaign: where its creators won or lost. Three queries."""
    reversed_ = AttributionEntry.objects.for_org(organization).filter(
        kind=EntryKind.REVERSAL, reverses=OuterRef("pk")
    )
    credits = (
        ledger_entry_queryset(organization=organization)
        .filter(kind=EntryKind.CREDIT, evidence__candidates__1__isnull=False)
        .annotate(withdrawn=Exists(reversed_))
        .order_by("-effective_at", "-id")
    )
    start, end = day_bounds(organization, date_from, date_to)
    if start:
        credits = credits.filter(effective_at__gte=start)
    if end:
        credits = credits.filter(effective_at__lt=end)
    credits = [c for c in credits if len(_candidate_ids(c) | {c.collaboration_id}) > 1]
    ids = set().union(*(_candidate_ids(c) for c in credits)) if credits else set()
    # Candidate ids come from stored evidence: they are looked up inside the organization,
    # so an id that is not ours resolves to nothing.
    known = {
        c.pk: c
        for c in Collaboration.objects.for_org(organization)
        .filter(pk__in=ids)
        .select_related("creator", "campaign")
    }
    overlaps = []
    for credit in credits:
        candidates = []
        for raw in credit.evidence.get("candidates") or []:
            try:
                cid = int(raw["collaboration_id"])
            except (KeyError, TypeError, ValueError):
                continue
            candidates.append(Candidate(
                collaboration_id=cid, collaboration=known.get(cid),
                rule=str(raw.get("rule", "")), at=str(raw.get("at", "")),
                won=cid == credit.collaboration_id and str(raw.get("rule", "")) == credit.rule,
            ))  # fmt: skip
        if (
            campaign is not None
            and credit.campaign_id != campaign.pk
            and not any(
                c.collaboration and c.collaboration.campaign_id == campaign.pk for c in candidates
            )
        ):
            continue
        winner = Candidate(
            collaboration_id=credit.collaboration_id, collaboration=credit.collaboration,
            rule=credit.rule, at=credit.effective_at.isoformat(), won=True,
        )  # fmt: skip
        others = [c for c in candidates if c.collaboration_id != credit.collaboration_id]
        overlaps.append(
            Overlap(credit=credit, standing=not credit.withdrawn, winner=winner, others=others)
        )
    return overlaps
