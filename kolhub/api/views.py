from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response
from rest_framework.views import APIView

from kolhub import selectors, services
from kolhub.api.authentication import ApiKeyPrincipal
from kolhub.api.base import OrganizationApiView, OrganizationViewSet
from kolhub.api.serializers import (
    MemberSerializer,
    MeSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)
from kolhub.models import Membership, Role


class OrganizationDetailApi(OrganizationApiView):
    """The organization in the URL, and the caller's role in it."""

    serializer_class = OrganizationSerializer
    write_role = Role.ADMIN

    def get(self, request, org_slug: str):
        return Response(
            OrganizationSerializer(self.organization, context={"request": request}).data
        )

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def patch(self, request, org_slug: str):
        data = {
            "name": self.organization.name,
            "default_currency": self.organization.default_currency,
            "timezone": self.organization.timezone,
            **request.data,
        }
        serializer = OrganizationUpdateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        services.organization_update(
            organization=self.organization,
            name=serializer.validated_data["name"],
            default_currency=serializer.validated_data["default_currency"],
            timezone_name=serializer.validated_data["timezone"],
        )
        return Response(
            OrganizationSerializer(self.organization, context={"request": request}).data
        )


class MemberApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Members of the organization, with their roles."""

    model = Membership
    serializer_class = MemberSerializer
    lookup_url_kwarg = "membership_id"
    filterset_fields = ["role"]

    def get_org_queryset(self, organization):
        return selectors.membership_list(organization=organization)


class MeApi(APIView):
    """Who is calling, and which organizations they can reach."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        if isinstance(request.user, ApiKeyPrincipal):
            pairs = [(request.user.organization, request.user.key.role)]
            email = ""
        else:
            memberships = selectors.membership_list_for_user(request.user)
            pairs = [(m.organization, m.role) for m in memberships]
            email = request.user.email
        return Response(
            {
                "email": email,
                "organizations": [
                    {
                        "name": org.name,
                        "slug": org.slug,
                        "role": role,
                        "api_url": request.build_absolute_uri(f"/api/v1/o/{org.slug}/"),
                    }
                    for org, role in pairs
                ],
            }
        )
