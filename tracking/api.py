"""Tracking links and their clicks over the API: links list (filter by collaboration or
platform), one link, create, delete; clicks list (filter by link, unique, time range).
Writes go through tracking.services, which refuses what the web page refuses."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from campaigns.api.campaigns import request_actor
from campaigns.models import Collaboration
from creators.models import Platform
from kolhub.api.base import OrganizationViewSet
from tracking import selectors, services
from tracking.models import Click, TrackingLink


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
