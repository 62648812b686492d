"""Landing-page leads as conversions (issue #6, "a lead is a conversion for
lead-generation campaigns"). lead_submit calls this for each NEW lead, in its own
transaction, so the lead and its conversion exist together or not at all."""

from __future__ import annotations

from campaigns.models import Objective
from kolhub.models import Organization
from tracking.models import ConversionKind, ConversionSource, Lead
from tracking.services.conversions import (
    UTM_KEYS,
    ConversionInput,
    RecordOutcome,
    conversion_record,
)


def lead_conversion_record(*, organization: Organization, lead: Lead) -> RecordOutcome | None:
    """Record the lead as a conversion when its campaign's objective is lead generation
    (None otherwise). Keyed by the lead, so it is recorded once: a repeat submission
    refreshes the lead, not the count. Attribution's lead rule credits the landing page's
    collaboration."""
    if lead.campaign.objective != Objective.LEAD_GENERATION:
        return None
    return conversion_record(
        organization=organization,
        data=ConversionInput(
            source=ConversionSource.LANDING, kind=ConversionKind.LEAD,
            external_id=f"lead:{lead.pk}", lead_id=lead.pk,
            occurred_at=lead.first_submitted_at, click_id=lead.click_id,
            utms={key: getattr(lead, key) for key in UTM_KEYS if getattr(lead, key)},
        ),
    )  # fmt: skip
