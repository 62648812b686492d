"""REST API for campaigns (with products, KPI targets and budget lines nested) and the
collaboration pipeline (list / filter, add, transitions as an action, stage history).

Mounted at /api/v1/o/<org_slug>/ (campaigns/api_urls.py). Writes go through
campaigns.services; every queryset comes from get_org_queryset (kolhub.api.base)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import pipeline, selectors, services, warnings
from campaigns.api.warnings import CreatorWarningSerializer
from campaigns.filters import CollaborationFilterSet
from campaigns.models import (
    BudgetCategory,
    Campaign,
    CampaignStatus,
    Collaboration,
    Metric,
    Objective,
    StageChange,
    metric_unit,
)
from campaigns.pipeline import Stage
from creators.models import AGE_BUCKETS
from kolhub.api.authentication import ApiKeyPrincipal
from kolhub.api.base import OrganizationViewSet
from kolhub.models import CURRENCIES


def request_actor(request) -> tuple[object | None, str]:
    """(user, actor label) for the history: a person, or the API key that acted."""
    user = request.user
    if isinstance(user, ApiKeyPrincipal):
        return None, f"API key {user.key.name}"[:80]
    return user, ""


# --- serializers -----------------------------------------------------------------------


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    sku = serializers.CharField(max_length=64)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.ChoiceField(
        choices=CURRENCIES, required=False, help_text="Defaults to the campaign's currency"
    )


class KpiTargetSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    target_value = serializers.DecimalField(max_digits=16, decimal_places=4)
    unit = serializers.SerializerMethodField(help_text="money, count, percent or ratio")

    def get_unit(self, obj) -> str:
        metric = obj["metric"] if isinstance(obj, dict) else obj.metric
        return metric_unit(metric)


class BudgetLineSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    planned_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class BudgetRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    planned = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    used_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class ChecklistStepSerializer(serializers.Serializer):
    key = serializers.CharField(source="step.key")
    phase = serializers.CharField(source="step.phase")
    title = serializers.CharField(source="step.title")
    done_when = serializers.CharField(source="step.done_when")
    done = serializers.BooleanField()
    by_hand = serializers.BooleanField()
    ticked_at = serializers.DateTimeField(allow_null=True)


class CampaignSerializer(serializers.ModelSerializer):
    collaboration_count = serializers.IntegerField(read_only=True)
    stage_counts = serializers.SerializerMethodField(help_text="Collaborations per stage")
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "slug", "description", "status", "objective", "start_date",
            "end_date", "currency", "attribution_window_days", "target_countries",
            "target_ages", "target_gender", "target_interests", "competitors", "owner",
            "learnings", "seeding_nudge_days", "collaboration_count", "stage_counts",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_stage_counts(self, obj: Campaign) -> dict[str, int]:
        return {stage: count for stage, _label, count in selectors.stage_counts(obj)}


class CampaignDetailSerializer(CampaignSerializer):
    products = ProductSerializer(many=True, read_only=True)
    kpi_targets = KpiTargetSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    budget = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "products", "kpi_targets", "budget_lines",
                  "budget", "checklist"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(BudgetRowSerializer(many=True))
    def get_budget(self, obj: Campaign) -> list[dict]:
        report = selectors.campaign_budget(organization=self.context["organization"], campaign=obj)
        return BudgetRowSerializer(report.rows, many=True).data

    @extend_schema_field(ChecklistStepSerializer(many=True))
    def get_checklist(self, obj: Campaign) -> list[dict]:
        checklist = selectors.campaign_checklist(
            organization=self.context["organization"], campaign=obj
        )
        return ChecklistStepSerializer(checklist.items, many=True).data


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=CampaignStatus.choices, required=False)
    objective = serializers.ChoiceField(choices=Objective.choices, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    attribution_window_days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    target_countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False
    )
    target_ages = serializers.ListField(
        child=serializers.ChoiceField(choices=AGE_BUCKETS), required=False
    )
    # The model field's choices, so the schema has one enum for gender, not two.
    target_gender = serializers.ChoiceField(
        choices=Campaign._meta.get_field("target_gender").choices, required=False,
        allow_blank=True,
    )  # fmt: skip
    target_interests = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False
    )
    competitors = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    owner = serializers.IntegerField(
        required=False, allow_null=True, help_text="A member's user id"
    )
    learnings = serializers.CharField(required=False, allow_blank=True)
    products = ProductSerializer(many=True, required=False, help_text="Replaces the products")
    kpi_targets = KpiTargetSerializer(many=True, required=False, help_text="Replaces the targets")
    budget_lines = BudgetLineSerializer(many=True, required=False, help_text="Replaces the lines")


class CreatorBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    followers = serializers.IntegerField()


class CollaborationSerializer(serializers.ModelSerializer):
    creator = CreatorBriefSerializer(read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    added_by = serializers.PrimaryKeyRelatedField(read_only=True)
    next_stages = serializers.SerializerMethodField(help_text="Where it may move next")

    class Meta:
        model = Collaboration
        fields = ["id", "campaign", "creator", "stage", "next_stages", "stage_changed_at",
                  "owner", "added_by", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_next_stages(self, obj: Collaboration) -> list[str]:
        return [str(s) for s in pipeline.next_stages(obj.stage)]


class CollaborationCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    creator = serializers.IntegerField()
    owner = serializers.IntegerField(required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class StageChangeSerializer(serializers.ModelSerializer):
    by = serializers.PrimaryKeyRelatedField(read_only=True)
    who = serializers.CharField(read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "by", "actor", "who", "reason", "at"]
        read_only_fields = fields


class AddCreatorsSerializer(serializers.Serializer):
    creator_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class AddResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Already in the campaign")
    do_not_contact = serializers.IntegerField(help_text="Marked do-not-contact: not added")
    not_found = serializers.IntegerField(help_text="Not creators of this organization")
    warnings = CreatorWarningSerializer(
        many=True, read_only=True, default=list,
        help_text="About the creators asked for (e.g. an exclusivity conflict in the "
        "campaign's categories under another contract); they are added anyway",
    )  # fmt: skip


class CampaignFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CampaignStatus.choices)
    objective = django_filters.ChoiceFilter(choices=Objective.choices)

    class Meta:
        fields: list[str] = []


# --- views -----------------------------------------------------------------------------


class CampaignApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, mixins.DestroyModelMixin, OrganizationViewSet,
):  # fmt: skip
    """Campaigns with their products, KPI targets and budget lines. A write that includes
    `products`, `kpi_targets` or `budget_lines` replaces that set; one that leaves it out
    keeps it. The detail adds the budget (planned / committed / spent per category) and
    the 12-step checklist."""

    model = Campaign
    lookup_url_kwarg = "campaign_id"
    filterset_class = CampaignFilterSet

    def get_org_queryset(self, organization):
        queryset = selectors.campaign_queryset(organization=organization)
        if self.action != "list":
            queryset = queryset.prefetch_related("products", "kpi_targets", "budget_lines")
        return queryset

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CampaignWriteSerializer
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "organization": self.organization}

    def _detail(self, campaign_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        campaign = self.get_org_queryset(self.organization).get(pk=campaign_id)
        data = CampaignDetailSerializer(campaign, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def _owner(self, data: dict) -> None:
        if "owner" in data:
            data["owner"] = selectors.team_member(
                organization=self.organization, user_id=data["owner"]
            )

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = CampaignWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        nested = {k: data.pop(k) for k in ("products", "kpi_targets", "budget_lines") if k in data}
        self._owner(data)
        campaign = services.campaign_create(organization=self.organization, data=data, **nested)
        return self._detail(campaign.pk, status.HTTP_201_CREATED)

    @extend_schema(request=CampaignWriteSerializer, responses=CampaignDetailSerializer)
    def update(self, request, *args, **kwargs):
        campaign = self.get_object()
        body = CampaignWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        nested = {k: data.pop(k) for k in ("products", "kpi_targets", "budget_lines") if k in data}
        self._owner(data)
        services.campaign_update(
            organization=self.organization, campaign=campaign, data=data, **nested
        )
        return self._detail(campaign.pk)

    def perform_destroy(self, instance):
        services.campaign_delete(organization=self.organization, campaign=instance)

    @extend_schema(request=AddCreatorsSerializer, responses=AddResultSerializer)
    @action(detail=True, methods=["post"], url_path="creators")
    def add_creators(self, request, *args, **kwargs):
        """Shortlist creators in the campaign; creators already in it are skipped, ids of
        other organizations are not found."""
        body = AddCreatorsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _label = request_actor(request)
        campaign = self.get_object()
        result = services.collaborations_add(
            organization=self.organization, campaign=campaign,
            creator_ids=body.validated_data["creator_ids"], added_by=user,
        )  # fmt: skip
        found = warnings.creator_warnings(warnings.warning_query(
            organization=self.organization, campaign=campaign,
            creator_ids=body.validated_data["creator_ids"],
        ))  # fmt: skip
        return Response(AddResultSerializer({**vars(result), "warnings": found}).data)


class CollaborationApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.DestroyModelMixin, OrganizationViewSet,
):  # fmt: skip
    """Collaborations (campaign × creator). Filter with `campaign`, `stage` (repeatable),
    `owner`, `role` (the creator's) and `q` (name, profession, credentials). Move one
    with the `transition` action; deleting is only for a creator still shortlisted."""

    model = Collaboration
    lookup_url_kwarg = "collaboration_id"
    filterset_class = CollaborationFilterSet
    serializer_class = CollaborationSerializer

    def get_org_queryset(self, organization):
        return selectors.collaboration_queryset(organization=organization).order_by("id")

    def get_serializer_class(self):
        if self.action == "create":
            return CollaborationCreateSerializer
        if self.action == "transition":
            return TransitionSerializer
        if self.action == "history":
            return StageChangeSerializer
        return CollaborationSerializer

    @extend_schema(request=CollaborationCreateSerializer, responses={201: CollaborationSerializer})
    def create(self, request, *args, **kwargs):
        body = CollaborationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        org = self.organization
        try:
            campaign = selectors.campaign_get(
                organization=org, campaign_id=body.validated_data["campaign"]
            )
        except Campaign.DoesNotExist:
            # Missing and another organization's look the same.
            raise serializers.ValidationError({"campaign": ["No such campaign."]}) from None
        user, _label = request_actor(request)
        owner = None
        if body.validated_data.get("owner") is not None:
            owner = selectors.team_member(organization=org, user_id=body.validated_data["owner"])
        result = services.collaborations_add(
            organization=org, campaign=campaign, creator_ids=[body.validated_data["creator"]],
            added_by=user, owner=owner,
        )  # fmt: skip
        if not result.added:
            raise serializers.ValidationError({"creator": [result.summary()]})
        collaboration = self.get_org_queryset(org).get(
            campaign=campaign, creator_id=body.validated_data["creator"]
        )
        return Response(CollaborationSerializer(collaboration).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.collaboration_remove(organization=self.organization, collaboration=instance)

    @extend_schema(request=TransitionSerializer, responses=CollaborationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        """Move the collaboration to `to_stage`. An illegal jump answers 400 naming both
        stages and the stages allowed next (in `errors.to_stage`)."""
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        collaboration = services.collaboration_transition(
            organization=self.organization, collaboration=self.get_object(),
            to_stage=body.validated_data["to_stage"], by=user,
            reason=body.validated_data.get("reason", ""), actor=label,
        )  # fmt: skip
        collaboration = self.get_org_queryset(self.organization).get(pk=collaboration.pk)
        return Response(CollaborationSerializer(collaboration).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, *args, **kwargs):
        """Every stage the collaboration has been in: who moved it, when and why."""
        changes = selectors.stage_history(organization=self.organization,
                                          collaboration=self.get_object())  # fmt: skip
        return Response(StageChangeSerializer(changes, many=True).data)
