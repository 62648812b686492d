"""The campaign's leads as CSV, for the web page and the API alike. Every cell goes
through creators.exports.safe_cell: a name like "=HYPERLINK(...)" stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from creators.exports import safe_cell
from tracking.models import Lead

LEAD_COLUMNS = [
    "name",
    "email",
    "creator",
    "platform",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "click_id",
    "consent_text",
    "first_submitted_at",
    "submitted_at",
    "submissions",
]


def leads_csv(leads: Iterable[Lead]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEAD_COLUMNS)
    for lead in leads:
        row = {
            **{col: getattr(lead, col, "") for col in LEAD_COLUMNS},
            "creator": lead.collaboration.creator.name,
            "first_submitted_at": lead.first_submitted_at.isoformat(),
            "submitted_at": lead.submitted_at.isoformat(),
        }
        writer.writerow([safe_cell(row[col]) for col in LEAD_COLUMNS])
    return out.getvalue()
