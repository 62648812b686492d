"""Reads for tracking links and clicks, organization first."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from campaigns.models import Collaboration
from kolhub.models import Organization
from tracking.models import Click, TrackingLink


def tracking_link_list(
    *, organization: Organization, collaboration: Collaboration | None = None
) -> QuerySet[TrackingLink]:
    qs = TrackingLink.objects.filter(organization=organization).annotate(
        clicks_recorded=Count("clicks"),
        clicks_unique=Count("clicks", filter=Q(clicks__is_unique=True)),
    )
    if collaboration is not None:
        qs = qs.filter(collaboration=collaboration)
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
