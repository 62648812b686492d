"""Warnings from later apps (campaigns.warnings) on the brand's offer form: the htmx
fragment the form reloads as its categories, dates and exclusivity change."""

from __future__ import annotations

import re

from django.utils.dateparse import parse_date
from django.views.generic import TemplateView

from campaigns import selectors, warnings
from campaigns.views.campaigns import CampaignMixin, get_or_404

DUE_DATE = re.compile(r"offer-deliverables-\d+-due_date")


def _date(value: str):
    try:
        return parse_date(value)
    except ValueError:  # well formed but not a day ("2026-13-45")
        return None


def form_warnings(organization, collaboration, params) -> list[warnings.CreatorWarning]:
    """Warnings for the offer form's current input (not yet validated: a warning only
    reads the categories, the exclusivity days and the due dates that parse)."""
    categories = params.get("offer-exclusivity_categories", "").split(",")
    days = params.get("offer-exclusivity_days", "")
    due = [_date(v) for k, v in params.items() if DUE_DATE.fullmatch(k) and v]
    return warnings.creator_warnings(
        warnings.warning_query(
            organization=organization,
            campaign=collaboration.campaign,
            creator_ids=[collaboration.creator_id],
            categories=categories[:50],
            due_dates=[d for d in due if d],
            exclusivity_days=int(days) if days.isdigit() and len(days) < 6 else None,
        )
    )


class OfferWarningsView(CampaignMixin, TemplateView):
    template_name = "campaigns/_offer_warnings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        collaboration = get_or_404(
            selectors.collaboration_get, organization=self.organization,
            collaboration_id=self.kwargs["collaboration_id"], campaign=self.campaign(),
        )  # fmt: skip
        context.update(
            offer_warnings=form_warnings(self.organization, collaboration, self.request.GET),
            offer_warnings_url=self.request.path,
        )
        return context
