"""Results over the API, under /api/v1/o/<org_slug>/: a creator's results per campaign,
the organization overview, the attribution ledger (credits with their rule and
evidence), conversions with the credit standing on them, overlaps and code-leak flags.
Read-only; every figure is computed by tracking.kpis from the daily rollups, as on the
pages. Ratios with nothing to divide by are null (shown as "—" on the pages)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from campaigns.views.campaigns import get_or_404
from creators.models import Creator
from kolhub.api.base import OrganizationApiView, OrganizationViewSet
from tracking.models import AttributionEntry, Conversion, CreditRule, EntryKind
from tracking.result_forms import DateRangeForm
from tracking.selectors import creator_results as creator_selectors
from tracking.selectors import leaks, ledger, overview

DATE_PARAMS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day, inclusive"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day, inclusive"),
]


def _dates(request) -> dict:
    form = DateRangeForm(request.query_params)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return {"date_from": form.cleaned_data["date_from"], "date_to": form.cleaned_data["date_to"]}


class KpisSerializer(serializers.Serializer):
    """The figures of one scope, as tracking.kpis computes them."""

    clicks = serializers.IntegerField(source="totals.clicks")
    unique_clicks = serializers.IntegerField(
        source="totals.unique_clicks",
        help_text="Visitor-days: a visitor counted once per creator, platform and day, summed "
        "over the days (not distinct people over the range)",
    )
    impressions = serializers.IntegerField(source="totals.impressions")
    reach = serializers.IntegerField(source="totals.reach")
    leads = serializers.IntegerField(source="totals.leads")
    orders = serializers.IntegerField(source="totals.conversions")
    conversions = serializers.IntegerField(help_text="Orders, or leads for lead generation")
    new_customers = serializers.IntegerField(source="totals.new_customers")
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2, source="totals.revenue")
    refunds = serializers.DecimalField(max_digits=16, decimal_places=2, source="totals.refunds")
    cost = serializers.DecimalField(max_digits=16, decimal_places=2, source="totals.cost")
    other_revenue = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        source="totals.other_revenue",
        help_text="Revenue booked in other currencies (not in ROAS/ROI/CPA)",
    )  # fmt: skip
    ctr = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    conversion_rate = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    cpa = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    roas = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    roi = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    engagement_rate = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    engagement_rate_by = serializers.CharField(
        source="engagement_rate_label",
        help_text='"" when divided by reach; "by followers" or "partly by followers" when '
        "some posts' reach was unknown and their followers at posting time divided instead",
    )


class HeadlineSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    display = serializers.CharField()


class LinkBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    code = serializers.CharField()
    tracked_url = serializers.CharField()
    destination_url = serializers.CharField()


class CodeBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    is_active = serializers.BooleanField()


class CommissionSerializer(serializers.Serializer):
    payment = serializers.IntegerField(source="item.pk")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, source="item.percent")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, source="item.amount")
    currency = serializers.CharField(source="item.currency")
    status = serializers.CharField(source="item.status")
    accrued = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True,
        help_text="percent × attributed revenue; null when the payment's currency differs",
    )  # fmt: skip


class CreatorCampaignResultSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField(source="collaboration.pk")
    campaign = serializers.IntegerField(source="campaign.pk")
    campaign_name = serializers.CharField(source="campaign.name")
    currency = serializers.CharField(source="campaign.currency")
    stage = serializers.CharField(source="collaboration.stage")
    kpis = KpisSerializer()
    links = LinkBriefSerializer(many=True)
    codes = CodeBriefSerializer(many=True)
    commissions = CommissionSerializer(many=True)


class CreatorResultsApi(OrganizationApiView):
    """A creator's results per campaign they worked on: figures, links, codes, commissions."""

    serializer_class = CreatorCampaignResultSerializer

    def get_queryset(self):
        # Only for the schema generator (the path parameter's type): rows come from the
        # selector below.
        return Creator.objects.none()

    @extend_schema(parameters=DATE_PARAMS, responses=CreatorCampaignResultSerializer(many=True))
    def get(self, request, org_slug: str, creator_id: int):
        if not campaign_selectors.creator_exists(organization=self.organization,
                                                 creator_id=creator_id):  # fmt: skip
            raise Http404
        rows = creator_selectors.creator_results(
            organization=self.organization, creator_id=creator_id, **_dates(request)
        )
        return Response(CreatorCampaignResultSerializer(rows, many=True).data)


class OverviewRowSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    name = serializers.CharField(source="campaign.name")
    status = serializers.CharField(source="campaign.status")
    objective = serializers.CharField(source="campaign.objective")
    currency = serializers.CharField(source="campaign.currency")
    headline = HeadlineSerializer(many=True)
    kpis = KpisSerializer()


class OverviewSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    rows = OverviewRowSerializer(many=True)
    totals = serializers.DictField(child=KpisSerializer(), help_text="Per currency")


class OverviewApi(OrganizationApiView):
    """Every campaign (archived ones only with ?status=archived) with its headline KPIs."""

    serializer_class = OverviewSerializer

    @extend_schema(parameters=[*DATE_PARAMS, OpenApiParameter("status", str)],
                   responses=OverviewSerializer)  # fmt: skip
    def get(self, request, org_slug: str):
        status = request.query_params.get("status") or ""
        data = overview.campaign_overview(
            organization=self.organization, status=status, **_dates(request)
        )
        return Response(OverviewSerializer(data).data)


class LedgerEntrySerializer(serializers.ModelSerializer):
    conversion_name = serializers.CharField(source="conversion.name", read_only=True)
    creator_name = serializers.CharField(source="collaboration.creator.name", read_only=True)

    class Meta:
        model = AttributionEntry
        fields = [
            "id", "kind", "rule", "conversion", "conversion_name", "collaboration",
            "creator_name", "campaign", "conversions", "revenue", "currency", "new_customer",
            "platform", "reverses", "refund", "reason", "evidence", "effective_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class LedgerEntryFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    conversion = django_filters.NumberFilter(field_name="conversion_id")
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    rule = django_filters.ChoiceFilter(choices=CreditRule.choices)

    class Meta:
        fields: list[str] = []


class LedgerEntryApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """The append-only attribution ledger: credits with the rule that gave them and their
    evidence, reversals and refunds pointing at the credit they undo. Oldest first."""

    model = AttributionEntry
    lookup_url_kwarg = "entry_id"
    filterset_class = LedgerEntryFilterSet
    serializer_class = LedgerEntrySerializer

    def get_org_queryset(self, organization):
        return ledger.ledger_entry_queryset(organization=organization).order_by("id")


class ConversionSerializer(serializers.ModelSerializer):
    credit = serializers.IntegerField(source="credit_id", read_only=True, allow_null=True)
    credit_rule = serializers.CharField(read_only=True, allow_null=True)
    credit_collaboration = serializers.IntegerField(
        source="credit_collaboration_id", read_only=True, allow_null=True
    )
    credit_campaign = serializers.IntegerField(
        source="credit_campaign_id", read_only=True, allow_null=True
    )
    credit_creator_name = serializers.CharField(read_only=True, allow_null=True)
    is_new_customer = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Conversion
        fields = [
            "id", "source", "source_label", "external_id", "kind", "name", "occurred_at",
            "cancelled_at", "currency", "total", "subtotal", "tax", "refunded",
            "discount_codes", "click_id", "utm_source", "utm_medium", "utm_campaign",
            "utm_content", "utm_term", "shipping_country", "customer_order_index",
            "is_new_customer", "credit", "credit_rule", "credit_collaboration",
            "credit_campaign", "credit_creator_name", "received_at",
        ]  # fmt: skip
        read_only_fields = fields


class ConversionFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="credit_campaign_id")
    kind = django_filters.CharFilter()
    source = django_filters.CharFilter()
    attributed = django_filters.BooleanFilter(field_name="credit_id", lookup_expr="isnull",
                                              exclude=True)  # fmt: skip
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        fields: list[str] = []


class ConversionApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Orders and leads from every source, newest first, each with the credit standing on
    it (its rule and creator; null when unattributed or withdrawn)."""

    model = Conversion
    lookup_url_kwarg = "conversion_id"
    filterset_class = ConversionFilterSet
    serializer_class = ConversionSerializer

    def get_org_queryset(self, organization):
        return ledger.conversion_queryset(organization=organization).order_by("-occurred_at", "-id")


class CandidateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField(source="collaboration_id")
    creator_name = serializers.CharField(source="collaboration.creator.name", default=None)
    campaign = serializers.IntegerField(source="collaboration.campaign_id", default=None)
    rule = serializers.CharField()
    at = serializers.CharField()


class OverlapSerializer(serializers.Serializer):
    conversion = serializers.IntegerField(source="conversion.pk")
    conversion_name = serializers.CharField(source="conversion.name")
    credit = serializers.IntegerField(source="credit.pk")
    standing = serializers.BooleanField(help_text="False when the credit was withdrawn")
    winner = CandidateSerializer()
    others = CandidateSerializer(many=True)


class _CampaignApi(OrganizationApiView):
    def get_queryset(self):
        # Only for the schema generator (the path parameter's type).
        return Campaign.objects.none()

    def campaign(self) -> Campaign:
        return get_or_404(campaign_selectors.campaign_get, organization=self.organization,
                          campaign_id=self.kwargs["campaign_id"])  # fmt: skip


class OverlapApi(_CampaignApi):
    """Orders where candidates of different collaborations competed, for a campaign whose
    creators won or lost them."""

    serializer_class = OverlapSerializer

    @extend_schema(parameters=DATE_PARAMS, responses=OverlapSerializer(many=True))
    def get(self, request, org_slug: str, campaign_id: int):
        rows = ledger.overlap_list(organization=self.organization, campaign=self.campaign(),
                                   **_dates(request))  # fmt: skip
        return Response(OverlapSerializer(rows, many=True).data)


class LeakReasonSerializer(serializers.Serializer):
    kind = serializers.CharField()
    message = serializers.CharField()


class LeakFlagSerializer(serializers.Serializer):
    promo_code = serializers.IntegerField(source="code.pk")
    code = serializers.CharField(source="code.code")
    collaboration = serializers.IntegerField(source="code.collaboration_id")
    creator_name = serializers.CharField(source="creator.name")
    redemptions = serializers.IntegerField()
    top_countries = serializers.ListField(child=serializers.CharField())
    reasons = LeakReasonSerializer(many=True)


class LeakFlagApi(_CampaignApi):
    """The campaign's promo codes that look leaked, each with why."""

    serializer_class = LeakFlagSerializer

    @extend_schema(parameters=DATE_PARAMS, responses=LeakFlagSerializer(many=True))
    def get(self, request, org_slug: str, campaign_id: int):
        rows = leaks.leak_flags(organization=self.organization, campaign=self.campaign(),
                                **_dates(request))  # fmt: skip
        return Response(LeakFlagSerializer(rows, many=True).data)
