"""REST API for creators, accounts, lists and discovery search (same filters as the page).

Mounted at /api/v1/o/<org_slug>/ (creators/api_urls.py). Writes go through
creators.services; every queryset comes from get_org_queryset (kolhub.api.base)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from creators import selectors, services
from creators.filters import CreatorFilterSet, SocialAccountFilterSet
from creators.models import (
    Creator,
    CreatorList,
    CreatorRole,
    CreatorStatus,
    Deliverable,
    Platform,
    SavedSearch,
    SocialAccount,
)
from creators.pagination import CreatorApiPagination, CreatorFilterBackend
from kolhub.api.base import OrganizationViewSet
from kolhub.models import Role


class SocialAccountSerializer(serializers.ModelSerializer):
    platform = serializers.ChoiceField(choices=Platform.choices)

    class Meta:
        model = SocialAccount
        fields = [
            "id", "platform", "handle", "url", "external_id", "followers", "avg_views",
            "engagement_rate", "audience_ages", "audience_gender", "audience_countries",
            "audience_interests", "credibility", "sponsored_ratio", "brands_mentioned",
            "last_refreshed_at", "provenance", "refresh_error",
        ]  # fmt: skip
        read_only_fields = ["id", "last_refreshed_at", "provenance", "refresh_error"]


class CreatorSerializer(serializers.ModelSerializer):
    fit = serializers.SerializerMethodField(help_text="Fit score 0–100 against the query's target")
    tier = serializers.CharField(read_only=True)

    class Meta:
        model = Creator
        fields = [
            "id", "name", "email", "photo_url", "bio", "role", "profession", "credentials",
            "years_experience", "credential_status", "credential_evidence_url", "niches",
            "languages", "country", "city", "rate_currency", "status", "notes", "followers",
            "tier", "engagement_rate", "platforms", "handles", "audience_countries",
            "audience_ages", "audience_gender", "audience_interests", "credibility",
            "sponsored_ratio", "brands_mentioned", "min_rate", "base_score", "fit",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_fit(self, obj: Creator) -> float | None:
        return getattr(obj, "fit", None)


class CreatorDetailSerializer(CreatorSerializer):
    accounts = SocialAccountSerializer(many=True, read_only=True)
    rates = serializers.SerializerMethodField()

    class Meta(CreatorSerializer.Meta):
        fields = [*CreatorSerializer.Meta.fields, "accounts", "rates"]
        read_only_fields = fields

    def get_rates(self, obj: Creator) -> dict[str, str]:
        return {r.deliverable: str(r.amount) for r in obj.rates.all()}


class CreatorWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    photo_url = serializers.URLField(required=False, allow_blank=True)
    bio = serializers.CharField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=CreatorRole.choices, required=False)
    profession = serializers.CharField(required=False, allow_blank=True, max_length=120)
    credentials = serializers.CharField(required=False, allow_blank=True, max_length=255)
    years_experience = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    credential_evidence_url = serializers.URLField(required=False, allow_blank=True)
    niches = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    city = serializers.CharField(required=False, allow_blank=True, max_length=120)
    rate_currency = serializers.CharField(required=False, max_length=3)
    status = serializers.ChoiceField(choices=CreatorStatus.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    accounts = SocialAccountSerializer(many=True, required=False)
    rates = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
        required=False, help_text=f"Deliverable -> amount; deliverables: {Deliverable.values}",
    )  # fmt: skip

    def validate_rates(self, value):
        unknown = set(value) - set(Deliverable.values)
        if unknown:
            raise serializers.ValidationError(
                f"Unknown deliverables: {', '.join(sorted(unknown))}."
            )
        return value


class CreatorListSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(read_only=True)

    class Meta:
        model = CreatorList
        fields = ["id", "name", "description", "size", "created_at"]
        read_only_fields = ["id", "size", "created_at"]


class ListAddSerializer(serializers.Serializer):
    creator_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class ComponentSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(help_text="0–100")
    weight = serializers.IntegerField(help_text="Percent of the fit score")
    points = serializers.FloatField()
    why = serializers.CharField()
    flags = serializers.ListField(child=serializers.CharField())


class ScorecardSerializer(serializers.Serializer):
    fit = serializers.FloatField(help_text="0–100")
    flags = serializers.ListField(child=serializers.CharField())
    components = ComponentSerializer(many=True)


class ListAddResultSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Creators that were not in the list before")


class SavedSearchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "created_at"]


class CreatorApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, OrganizationViewSet,
):  # fmt: skip
    """Creators. The list takes every discovery filter (`q`, `role`, `platform`,
    `audience_country` + `audience_country_min`, `er_min`, `verified`, `sort=fit`, …);
    invalid parameters answer 400 naming the field."""

    model = Creator
    lookup_url_kwarg = "creator_id"
    filterset_class = CreatorFilterSet
    filter_backends = [CreatorFilterBackend]
    pagination_class = CreatorApiPagination

    def get_org_queryset(self, organization):
        if self.action == "list":
            return Creator.objects.for_org(organization).only(*selectors.RESULT_FIELDS)
        return Creator.objects.for_org(organization).prefetch_related("accounts", "rates")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CreatorWriteSerializer
        return CreatorDetailSerializer if self.action != "list" else CreatorSerializer

    @extend_schema(request=CreatorWriteSerializer, responses={201: CreatorDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CreatorWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        accounts, rates = data.pop("accounts", []), data.pop("rates", {})
        creator = services.creator_create(
            organization=self.organization, data=data, accounts=accounts, rates=rates
        )
        creator = selectors.creator_get(organization=self.organization, creator_id=creator.pk)
        return Response(CreatorDetailSerializer(creator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CreatorWriteSerializer, responses=CreatorDetailSerializer)
    def update(self, request, *args, **kwargs):
        creator = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = CreatorWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        accounts, rates = data.pop("accounts", []), data.pop("rates", None)
        services.creator_update(
            organization=self.organization, creator=creator, data=data, accounts=accounts,
            rates=rates,
        )  # fmt: skip
        creator = selectors.creator_get(organization=self.organization, creator_id=creator.pk)
        return Response(CreatorDetailSerializer(creator).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("audience_country", str, description="Target countries, e.g. US,CA"),
            OpenApiParameter("audience_age", str, many=True),
            OpenApiParameter("audience_gender", str),
            OpenApiParameter("interest", str),
            OpenApiParameter("competitor", str),
        ],
        responses={
            200: ScorecardSerializer,
            400: OpenApiResponse(
                description="A target parameter is not valid: `errors` names it and says why."
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def scorecard(self, request, *args, **kwargs):
        """The vetting scorecard against a target audience: each component's value, weight,
        points and reason, and the fit score."""
        card = selectors.creator_scorecard(creator=self.get_object(), params=request.query_params)
        return Response({
            "fit": card.fit,
            "flags": card.flags,
            "components": [
                {"key": c.key, "label": c.label, "value": c.value, "weight": c.weight,
                 "points": c.points, "why": c.why, "flags": c.flags}
                for c in card.components
            ],
        })  # fmt: skip


class SocialAccountApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Social accounts across the roster (filter with `creator`, `platform`)."""

    model = SocialAccount
    lookup_url_kwarg = "account_id"
    serializer_class = SocialAccountSerializer
    filterset_class = SocialAccountFilterSet

    def get_org_queryset(self, organization):
        return SocialAccount.objects.for_org(organization).order_by("id")


class CreatorListApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.DestroyModelMixin, OrganizationViewSet,
):  # fmt: skip
    """Shortlists: list, create, delete (admins, as on the page); their members: list,
    add, remove."""

    model = CreatorList
    lookup_url_kwarg = "list_id"
    serializer_class = CreatorListSerializer

    def get_org_queryset(self, organization):
        return selectors.list_list(organization=organization)

    def perform_create(self, serializer):
        created = services.list_create(
            organization=self.organization,
            name=serializer.validated_data["name"],
            description=serializer.validated_data.get("description", ""),
            created_by=getattr(self.request.user, "pk", None) and self.request.user,
        )  # fmt: skip
        serializer.instance = selectors.list_list(organization=self.organization).get(pk=created.pk)

    @extend_schema(request=ListAddSerializer, responses=ListAddResultSerializer)
    @action(detail=True, methods=["post"], url_path="creators")
    def add_creators(self, request, *args, **kwargs):
        """Add creators to the list; ids of other organizations are ignored."""
        body = ListAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = services.list_add_creators(
            organization=self.organization, creator_list=self.get_object(),
            creator_ids=body.validated_data["creator_ids"],
            added_by=getattr(self.request.user, "pk", None) and self.request.user,
        )  # fmt: skip
        return Response({"added": added})

    @extend_schema(responses=CreatorSerializer(many=True))
    @add_creators.mapping.get
    def members(self, request, *args, **kwargs):
        """The creators in the list, by name, a page at a time."""
        creators = selectors.list_member_list(organization=self.organization,
                                              creator_list=self.get_object())  # fmt: skip
        page = self.paginate_queryset(creators)
        return self.get_paginated_response(CreatorSerializer(page, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"])
    def remove_creator(self, request, *args, creator_id: int, **kwargs):
        """Remove a creator from the list (the creator stays in the roster)."""
        creator_list = self.get_object()
        try:
            creator = selectors.creator_get(organization=self.organization, creator_id=creator_id)
        except Creator.DoesNotExist:
            raise NotFound() from None
        services.list_remove_creator(organization=self.organization, creator_list=creator_list,
                                     creator=creator)  # fmt: skip
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        # The page lets admins delete a list; the API answers the same (the role is per
        # view class, and this class also serves members' writes).
        role = getattr(self.request._request, "org_role", None)
        if not Role.at_least(role, Role.ADMIN):
            raise PermissionDenied(f"Your role ({role}) cannot do this; it needs admin or above.")
        services.list_delete(organization=self.organization, creator_list=instance)


class SavedSearchApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    model = SavedSearch
    lookup_url_kwarg = "search_id"
    serializer_class = SavedSearchSerializer

    def get_org_queryset(self, organization):
        return selectors.saved_search_list(organization=organization)
