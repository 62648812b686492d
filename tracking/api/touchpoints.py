"""Promo codes, landing pages and leads over the API, under /api/v1/o/<org_slug>/.
Writes go through tracking.services, which refuses what the web page refuses. Leads are
read-only (they arrive from the public landing pages), with a CSV export.

Tracking links and their clicks over the API: links list (filter by collaboration or
platform), one link, create, delete; clicks list (filter by link, unique, time range).
Writes go through tracking.services, which refuses what the web page refuses."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns.api.campaigns import request_actor
from campaigns.models import Campaign, Collaboration
from creators.models import Platform
from kolhub.api.base import OrganizationViewSet
from tracking import selectors, services
from tracking.codes import CODE_HELP
from tracking.exports import leads_csv
from tracking.models import Click, DiscountKind, LandingPage, Lead, PromoCode, TrackingLink


def _service_errors(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def _not_found(field: str) -> serializers.ValidationError:
    # Missing and another organization's look the same.
    return serializers.ValidationError({field: ["Not found."]})


class PromoCodeSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    campaign = serializers.IntegerField(source="collaboration.campaign_id", read_only=True)
    creator_name = serializers.CharField(source="collaboration.creator.name", read_only=True)

    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "collaboration",
            "campaign",
            "creator_name",
            "discount_kind",
            "discount_value",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PromoCodeCreateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField()
    code = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=f"Blank or absent to generate one. {CODE_HELP}; "
        "stored upper case, unique in the organization.",
    )
    discount_kind = serializers.ChoiceField(
        choices=DiscountKind.choices, required=False, allow_blank=True
    )
    discount_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class PromoCodeActiveSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class PromoCodeFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="collaboration__campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")

    class Meta:
        fields: list[str] = []


class PromoCodeApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Promo codes, one or more per collaboration, unique in the organization whatever
    their case. The Shopify discount sync arrives with the store connector."""

    model = PromoCode
    lookup_url_kwarg = "promo_code_id"
    filterset_class = PromoCodeFilterSet
    serializer_class = PromoCodeSerializer

    def get_org_queryset(self, organization):
        return selectors.promo_code_queryset(organization=organization)

    @extend_schema(request=PromoCodeCreateSerializer, responses={201: PromoCodeSerializer})
    def create(self, request, *args, **kwargs):
        body = PromoCodeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            collaboration = campaign_selectors.collaboration_get(
                organization=self.organization, collaboration_id=data["collaboration"]
            )
        except ObjectDoesNotExist:
            raise _not_found("collaboration") from None
        try:
            promo = services.promo_code_create(
                self.organization,
                collaboration=collaboration,
                code=data.get("code") or "",
                discount_kind=data.get("discount_kind") or "",
                discount_value=data.get("discount_value"),
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(PromoCodeSerializer(promo).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PromoCodeActiveSerializer, responses=PromoCodeSerializer)
    @action(detail=True, methods=["post"], url_path="active")
    def set_active(self, request, *args, **kwargs):
        """Switch the code on or off."""
        promo = self.get_object()
        body = PromoCodeActiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        promo = services.promo_code_active_set(
            self.organization, promo_code=promo, active=body.validated_data["is_active"]
        )
        return Response(PromoCodeSerializer(promo).data)


class LandingPageSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    product = serializers.PrimaryKeyRelatedField(read_only=True)
    promo_code = serializers.PrimaryKeyRelatedField(read_only=True)
    url_path = serializers.SerializerMethodField()

    class Meta:
        model = LandingPage
        fields = [
            "id",
            "slug",
            "url_path",
            "collaboration",
            "headline",
            "quote",
            "product",
            "promo_code",
            "consent_text",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields

    def get_url_path(self, page: LandingPage) -> str:
        return f"/l/{page.slug}/"


class LandingPageCreateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField()
    headline = serializers.CharField(max_length=200)
    quote = serializers.CharField(required=False, allow_blank=True)
    product = serializers.IntegerField(required=False, allow_null=True)
    promo_code = serializers.IntegerField(required=False, allow_null=True)
    consent_text = serializers.CharField(required=False, allow_blank=True)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True)


class LandingPageApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Hosted landing pages, one per collaboration, public at /l/<slug>/."""

    model = LandingPage
    lookup_url_kwarg = "landing_page_id"
    serializer_class = LandingPageSerializer

    def get_org_queryset(self, organization):
        return selectors.landing_page_queryset(organization=organization)

    @extend_schema(request=LandingPageCreateSerializer, responses={201: LandingPageSerializer})
    def create(self, request, *args, **kwargs):
        body = LandingPageCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        org = self.organization
        try:
            collaboration = campaign_selectors.collaboration_get(
                organization=org, collaboration_id=data.pop("collaboration")
            )
        except ObjectDoesNotExist:
            raise _not_found("collaboration") from None
        product_id, code_id = data.pop("product", None), data.pop("promo_code", None)
        try:
            product = collaboration.campaign.products.get(pk=product_id) if product_id else None
        except ObjectDoesNotExist:
            raise _not_found("product") from None
        try:
            code = (
                selectors.promo_code_get(organization=org, promo_code_id=code_id)
                if code_id
                else None
            )
        except ObjectDoesNotExist:
            raise _not_found("promo_code") from None
        try:
            page = services.landing_page_create(
                org, collaboration=collaboration, product=product, promo_code=code, **data
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        return Response(LandingPageSerializer(page).data, status=status.HTTP_201_CREATED)


class LeadSerializer(serializers.ModelSerializer):
    creator_name = serializers.CharField(source="collaboration.creator.name", read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "campaign",
            "collaboration",
            "creator_name",
            "landing_page",
            "name",
            "email",
            "consent_text",
            "platform",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_content",
            "utm_term",
            "click_id",
            "first_submitted_at",
            "submitted_at",
            "submissions",
        ]
        read_only_fields = fields


class LeadFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")

    class Meta:
        fields: list[str] = []


class LeadApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Leads from the landing pages, one per email and campaign, newest first."""

    model = Lead
    lookup_url_kwarg = "lead_id"
    filterset_class = LeadFilterSet
    serializer_class = LeadSerializer

    def get_org_queryset(self, organization):
        return selectors.lead_queryset(organization=organization)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def export(self, request, campaign_id: int, *args, **kwargs):
        """A campaign's leads as CSV (formula-safe cells)."""
        try:
            campaign = campaign_selectors.campaign_get(
                organization=self.organization, campaign_id=campaign_id
            )
        except Campaign.DoesNotExist:
            raise NotFound() from None
        leads = selectors.lead_list(organization=self.organization, campaign=campaign)
        response = HttpResponse(leads_csv(leads), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="leads-{campaign.slug}.csv"'
        return response


class TrackingLinkSerializer(serializers.ModelSerializer):
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    short_url = serializers.SerializerMethodField(help_text="The public /r/<code> address")
    clicks_recorded = serializers.IntegerField(read_only=True)
    clicks_unique = serializers.IntegerField(
        read_only=True, help_text="Bots and prefetches are never recorded; repeats of one "
        "visitor within 30 minutes are recorded but not unique",
    )  # fmt: skip

    class Meta:
        model = TrackingLink
        fields = [
            "id", "collaboration", "platform", "destination_url", "tracked_url", "code",
            "short_url", "clicks_recorded", "clicks_unique", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_short_url(self, link: TrackingLink) -> str:
        request = self.context.get("request")
        path = f"/r/{link.code}"
        return request.build_absolute_uri(path) if request else path


class TrackingLinkCreateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    destination_url = serializers.CharField(max_length=1000, help_text="http or https")


class TrackingLinkFilterSet(django_filters.FilterSet):
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)

    class Meta:
        fields: list[str] = []


class TrackingLinkApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    OrganizationViewSet,
):  # fmt: skip
    """A collaboration's tracking link per platform: destination with UTM tags, short
    code and click counts. The destination is fixed once created: delete and recreate."""

    model = TrackingLink
    lookup_url_kwarg = "link_id"
    filterset_class = TrackingLinkFilterSet
    serializer_class = TrackingLinkSerializer

    def get_org_queryset(self, organization):
        return selectors.tracking_link_list(organization=organization)

    @extend_schema(request=TrackingLinkCreateSerializer, responses={201: TrackingLinkSerializer})
    def create(self, request, *args, **kwargs):
        body = TrackingLinkCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            collaboration = campaign_selectors.collaboration_get(
                organization=self.organization, collaboration_id=data["collaboration"]
            )
        except Collaboration.DoesNotExist:
            raise serializers.ValidationError({"collaboration": ["Not found."]}) from None
        user, _label = request_actor(request)
        link = services.tracking_link_create(
            organization=self.organization, collaboration=collaboration, platform=data["platform"],
            destination_url=data["destination_url"], by=user,
        )  # fmt: skip
        fresh = selectors.tracking_link_get(organization=self.organization, link_id=link.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.tracking_link_delete(organization=self.organization, link=instance)


class ClickSerializer(serializers.ModelSerializer):
    class Meta:
        model = Click
        fields = ["click_id", "link", "clicked_at", "is_unique", "user_agent_class",
                  "referrer_host", "visitor_hash"]  # fmt: skip
        read_only_fields = fields


class ClickFilterSet(django_filters.FilterSet):
    link = django_filters.NumberFilter(field_name="link_id")
    collaboration = django_filters.NumberFilter(field_name="link__collaboration_id")
    is_unique = django_filters.BooleanFilter()
    since = django_filters.IsoDateTimeFilter(field_name="clicked_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="clicked_at", lookup_expr="lt")

    class Meta:
        fields: list[str] = []


class ClickApi(mixins.ListModelMixin, OrganizationViewSet):
    """Recorded clicks, newest first; flushed from the buffer within about 15 seconds."""

    model = Click
    lookup_url_kwarg = "click_id"  # list only; the base asks every viewset to name it
    filterset_class = ClickFilterSet
    serializer_class = ClickSerializer

    def get_org_queryset(self, organization):
        return selectors.click_list(organization=organization)
