"""The campaign's Results tab: KPI tiles by funnel stage, progress and pace against each
KPI target, charts and the per-creator leaderboard, all from the daily rollups
(tracking.selectors.dashboard). htmx asks for the body again every 20 seconds, so new
clicks and orders appear once the rollup worker (every 20 s) has counted them."""

from __future__ import annotations

import json

from django.views.generic import TemplateView

from campaigns.selectors import organization_today
from campaigns.views.campaigns import CampaignMixin
from tracking.selectors.dashboard import SORTS, campaign_dashboard, dashboard_filters


def chart_data(dashboard) -> str:
    """The charts' series as JSON for the page's script (numbers, not display strings)."""
    series = dashboard.series
    return json.dumps({
        "days": [day.isoformat() for day, _ in series],
        "clicks": [k.totals.clicks for _, k in series],
        "conversions": [k.conversions for _, k in series],
        "revenue": [float(k.totals.revenue) for _, k in series],
        "cost": [float(k.totals.cost) for _, k in series],
        "funnel": [dashboard.kpis.totals.impressions, dashboard.kpis.totals.clicks,
                   dashboard.kpis.conversions],
    })  # fmt: skip


class CampaignResultsView(CampaignMixin, TemplateView):
    template_name = "tracking/dashboard.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["tracking/_dashboard_body.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign()
        today = organization_today(self.organization)
        filters, form = dashboard_filters(campaign=campaign, data=self.request.GET, today=today)
        dashboard = campaign_dashboard(organization=self.organization, campaign=campaign,
                                       filters=filters, today=today)  # fmt: skip
        if not getattr(self.request, "htmx", False):
            context.update(self.campaign_context())
        context.update(tab="results", campaign=campaign, dashboard=dashboard, form=form,
                       sorts=SORTS, chart_json=chart_data(dashboard),
                       query=self.request.GET.urlencode())  # fmt: skip
        return context


__all__ = ["CampaignResultsView"]
