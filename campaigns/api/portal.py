"""Creator portal links over the API: list a creator's links, issue one (the raw link is
in that response only) and revoke one. The portal itself is not an API."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import services
from campaigns.api.campaigns import request_actor
from campaigns.models import PortalToken
from creators.models import Creator
from kolhub.api.base import OrganizationViewSet


class PortalTokenSerializer(serializers.ModelSerializer):
    creator = serializers.PrimaryKeyRelatedField(read_only=True)
    issued_by = serializers.PrimaryKeyRelatedField(read_only=True)
    state = serializers.SerializerMethodField(help_text="active, expired or revoked")

    class Meta:
        model = PortalToken
        fields = ["id", "creator", "issued_by", "created_at", "expires_at", "revoked_at",
                  "last_used_at", "state"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: PortalToken) -> str:
        return obj.state_at(timezone.now())


class PortalTokenIssuedSerializer(PortalTokenSerializer):
    link = serializers.CharField(help_text="The portal URL; shown in this response only")

    class Meta(PortalTokenSerializer.Meta):
        fields = [*PortalTokenSerializer.Meta.fields, "link"]
        read_only_fields = fields


class PortalTokenCreateSerializer(serializers.Serializer):
    creator = serializers.IntegerField(help_text="A creator of this organization")


class PortalTokenFilterSet(django_filters.FilterSet):
    creator = django_filters.NumberFilter(field_name="creator_id")

    class Meta:
        fields: list[str] = []


class PortalTokenApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     OrganizationViewSet):  # fmt: skip
    """Portal links (/p/<token>/), newest first; only their hash is stored, so the link
    itself is in the response that issues it and nowhere else."""

    model = PortalToken
    lookup_url_kwarg = "portal_token_id"
    filterset_class = PortalTokenFilterSet
    serializer_class = PortalTokenSerializer

    def get_org_queryset(self, organization):
        return PortalToken.objects.for_org(organization).order_by("-created_at", "-id")

    @extend_schema(request=PortalTokenCreateSerializer,
                   responses={201: PortalTokenIssuedSerializer})  # fmt: skip
    def create(self, request, *args, **kwargs):
        body = PortalTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        creator = (
            Creator.objects.for_org(self.organization)
            .filter(pk=body.validated_data["creator"])
            .first()
        )
        if creator is None:
            raise serializers.ValidationError({"creator": ["No such creator."]})
        user, _label = request_actor(request)
        token, raw = services.portal_token_issue(organization=self.organization,
                                                 creator=creator, issued_by=user)  # fmt: skip
        token.link = services.portal_link(raw_token=raw, base_url=request.build_absolute_uri("/"))
        response = Response(PortalTokenIssuedSerializer(token).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=None, responses=PortalTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        """The link stops working at once; revoking again changes nothing."""
        user, _label = request_actor(request)
        token = services.portal_token_revoke(organization=self.organization,
                                             token=self.get_object(), by=user)  # fmt: skip
        return Response(PortalTokenSerializer(token).data)
