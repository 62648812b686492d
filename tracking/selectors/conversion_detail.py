"""Reads about one conversion: its standing credit (what a postback answers with) and
everything the "why this credit" page shows."""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet

from kolhub.models import Organization
from tracking.models import AttributionEntry, Conversion, EntryKind, Refund
from tracking.services.attribution import Candidate, candidates_for, choose


def conversion_queryset(*, organization: Organization) -> QuerySet[Conversion]:
    return Conversion.objects.for_org(organization).select_related("lead", "connection")


def conversion_credit_get(
    *, organization: Organization, conversion: Conversion
) -> AttributionEntry | None:
    """The credit that stands now (not reversed), or None: the conversion is unattributed."""
    return (
        AttributionEntry.objects.for_org(organization)
        .filter(conversion=conversion, kind=EntryKind.CREDIT)
        .exclude(reversed_by__kind=EntryKind.REVERSAL)
        .select_related("collaboration__creator", "campaign")
        .order_by("-id")
        .first()
    )


@dataclasses.dataclass
class ConversionExplained:
    conversion: Conversion
    credit: AttributionEntry | None
    # What the rules see today, each with its rule, time, in-window flag and why-not.
    candidates: list[Candidate]
    winner: Candidate | None
    click_info: dict
    entries: list[AttributionEntry]
    refunds: list[Refund]


def conversion_explain(*, organization: Organization, conversion_id: int) -> ConversionExplained:
    """Raises Conversion.DoesNotExist for an id that is not this organization's."""
    conversion = conversion_queryset(organization=organization).get(pk=conversion_id)
    candidates, click_info = candidates_for(organization, conversion)
    winner = None if conversion.cancelled_at else choose(candidates)
    entries = list(
        AttributionEntry.objects.for_org(organization)
        .filter(conversion=conversion)
        .select_related("collaboration__creator", "campaign", "refund")
        .order_by("id")
    )
    refunds = list(Refund.objects.for_org(organization).filter(conversion=conversion))
    credit = conversion_credit_get(organization=organization, conversion=conversion)
    return ConversionExplained(conversion, credit, candidates, winner, click_info, entries, refunds)
