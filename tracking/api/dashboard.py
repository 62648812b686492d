"""GET /api/v1/o/<org>/campaigns/<campaign_id>/dashboard/: the campaign dashboard's
figures (tiles, KPI targets with progress and pace, daily series, leaderboard), the same
selector as the Results tab (tracking.selectors.dashboard) with the same filters. A bad
filter is a 400 naming the field and the reason."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns.selectors import organization_today
from creators.models import Platform
from kolhub.api.base import OrganizationApiView
from tracking.selectors.dashboard import SORTS, campaign_dashboard, dashboard_filters


def _num(value):
    # Decimals as strings (exact money), counts as ints, undefined ratios as null.
    if value is None or isinstance(value, int):
        return value
    return str(value)


def _kpi_row(kpis) -> dict:
    keys = ("clicks", "unique_clicks", "impressions", "reach", "engagements", "leads",
            "conversions", "new_customers", "revenue", "cost", "ctr", "conversion_rate",
            "cpa", "roas", "roi", "engagement_rate")  # fmt: skip
    return {**{key: _num(kpis.value(key)) for key in keys},
            "engagement_rate_by": kpis.engagement_rate_label}  # fmt: skip


class DashboardSerializer(serializers.Serializer):
    campaign = serializers.DictField()
    filters = serializers.DictField()
    tiles = serializers.DictField(
        help_text="{stage: {kpi: value}}; ratios null when undefined. unique_clicks is "
        "visitor-days: a visitor counted once per creator, platform and day, summed over "
        "the days (not distinct people over the range)"
    )
    other_revenue = serializers.DictField(help_text="Revenue in other currencies, not converted")
    not_included = serializers.DictField(
        allow_null=True,
        help_text="With a platform filter: cost, orders, revenue and promo-code orders tied to "
        "no platform, which the filtered figures leave out (null without a filter)",
    )
    targets = serializers.ListField(child=serializers.DictField())
    daily = serializers.ListField(child=serializers.DictField())
    leaderboard = serializers.ListField(child=serializers.DictField())


_FILTER_ERRORS = inline_serializer(
    "DashboardFilterErrors",
    {"field": serializers.ListField(child=serializers.CharField(), help_text="the reasons")},
)


class CampaignDashboardApi(OrganizationApiView):
    serializer_class = DashboardSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD, not before date_from"),
            OpenApiParameter("platform", str, enum=Platform.values),
            OpenApiParameter("sort", str, enum=list(SORTS)),
            OpenApiParameter("desc", bool),
        ],
        responses={200: DashboardSerializer, 400: _FILTER_ERRORS},
    )  # fmt: skip
    def get(self, request, campaign_id: int, **kwargs):
        try:
            campaign = campaign_selectors.campaign_get(organization=self.organization,
                                                       campaign_id=campaign_id)  # fmt: skip
        except ObjectDoesNotExist:
            raise NotFound("Campaign not found.") from None
        today = organization_today(self.organization)
        filters, form = dashboard_filters(campaign=campaign, data=request.query_params, today=today)
        if request.query_params and form.errors:
            raise ApiValidationError(form.errors)
        d = campaign_dashboard(organization=self.organization, campaign=campaign,
                               filters=filters, today=today)  # fmt: skip
        return Response({
            "campaign": {"id": campaign.pk, "name": campaign.name, "currency": campaign.currency,
                         "objective": campaign.objective},
            "filters": {"date_from": filters.date_from, "date_to": filters.date_to,
                        "platform": filters.platform, "sort": filters.sort, "desc": filters.desc},
            "tiles": {stage: {key: _num(value) for key, _, _, value in tiles}
                      for stage, tiles in d.tiles},
            "other_revenue": {c: str(a) for c, a in d.kpis.totals.other_revenue.items()},
            "not_included": None if d.unassigned is None else {
                "cost": str(d.unassigned.cost), "orders": d.unassigned.conversions,
                "revenue": str(d.unassigned.revenue),
                "code_orders": d.unassigned.code_conversions},
            "targets": [{"metric": t.target.metric, "target": str(t.target.target_value),
                         "actual": _num(t.actual), "progress": _num(t.progress),
                         "pace": _num(t.pace), "met": t.met,
                         "lower_is_better": t.lower_is_better} for t in d.targets],
            "daily": [{"day": day, **_kpi_row(k)} for day, k in d.series],
            "leaderboard": [{"collaboration_id": r["collaboration"].pk,
                             "creator": r["collaboration"].creator.name, **_kpi_row(r["kpis"])}
                            for r in d.leaderboard],
        })  # fmt: skip
