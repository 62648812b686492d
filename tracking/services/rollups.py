"""Daily rollups: marking the days whose raw events changed.

Every service that writes a raw event the dashboards count (a click flush, a lead, an
attribution entry, a metric snapshot, a cost) calls `rollups_mark_dirty` inside its own
transaction, so a committed event always leaves its day marked and a rolled-back one
leaves nothing. The rollup worker recomputes the marked days (see tracking.models.rollups).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from kolhub.models import Organization
from tracking.models import RollupDirtyDay


def rollup_day(organization: Organization, moment: datetime.datetime) -> datetime.date:
    """The day an event counts on: its date in the organization's timezone."""
    return moment.astimezone(ZoneInfo(organization.timezone)).date()


def rollups_mark_dirty(
    *, organization: Organization, touches: Iterable[tuple[int, datetime.datetime]]
) -> int:
    """Mark (collaboration id, event time) pairs' days for recomputation. Returns the
    number of distinct days marked."""
    days = {(collaboration_id, rollup_day(organization, at)) for collaboration_id, at in touches}
    if not days:
        return 0
    RollupDirtyDay.objects.bulk_create(
        [
            RollupDirtyDay(organization=organization, collaboration_id=cid, day=day)
            for cid, day in sorted(days)
        ],
        update_conflicts=True,
        unique_fields=["organization", "collaboration", "day"],
        update_fields=["marked_at"],
    )
    return len(days)
