"""Campaign expenses over the API: list (filter by campaign, collaboration, category or
status), one expense, record, correct (PUT / PATCH, while committed), delete (while
committed) and mark paid. Writes go through campaigns.services.expenses, which refuses
what the web page refuses."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.api.campaigns import request_actor
from campaigns.models import Campaign, CampaignExpense, Collaboration, ExpenseStatus
from campaigns.models.expenses import EXPENSE_CATEGORY_CHOICES
from kolhub.api.base import OrganizationViewSet


class ExpenseSerializer(serializers.ModelSerializer):
    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    creator_name = serializers.CharField(
        source="collaboration.creator.name", read_only=True, default=None, allow_null=True,
        help_text="The creator it counts against; null for the whole campaign",
    )  # fmt: skip
    currency = serializers.CharField(source="campaign.currency", read_only=True,
                                     help_text="The campaign's currency, the amount's")  # fmt: skip
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CampaignExpense
        fields = [
            "id", "campaign", "collaboration", "creator_name", "category", "description",
            "amount", "currency", "incurred_on", "status", "paid_on", "paid_reference",
            "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ExpenseInputSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="A collaboration of the same campaign (the creator whose post was boosted); "
        "null or absent for the whole campaign",
    )  # fmt: skip
    category = serializers.ChoiceField(choices=EXPENSE_CATEGORY_CHOICES)
    description = serializers.CharField(max_length=300, help_text="Plain text")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="More than 0, in the campaign's currency"
    )
    incurred_on = serializers.DateField()


class ExpenseCreateSerializer(ExpenseInputSerializer):
    campaign = serializers.IntegerField(help_text="The campaign the cost belongs to")


class ExpenseMarkPaidSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=120,
                                      help_text="Invoice number, transfer id, receipt")  # fmt: skip
    paid_on = serializers.DateField(required=False, allow_null=True,
                                    help_text="Defaults to today")  # fmt: skip


class ExpenseFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    category = django_filters.ChoiceFilter(choices=EXPENSE_CATEGORY_CHOICES)
    status = django_filters.ChoiceFilter(choices=ExpenseStatus.choices)

    class Meta:
        fields: list[str] = []


def _row(getter, field: str, **kwargs):
    try:
        return getter(**kwargs)
    except Collaboration.DoesNotExist:
        # Missing and another organization's look the same.
        raise serializers.ValidationError({field: ["Not found."]}) from None


class ExpenseApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Amplification spend and other campaign costs, newest first. Committed once
    recorded, spent once marked paid; the campaign's budget counts both. A paid expense
    can no longer be changed or deleted."""

    model = CampaignExpense
    lookup_url_kwarg = "expense_id"
    filterset_class = ExpenseFilterSet
    serializer_class = ExpenseSerializer

    def get_org_queryset(self, organization):
        return selectors.expense_queryset(organization=organization)

    def _show(self, expense: CampaignExpense, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_org_queryset(self.organization).get(pk=expense.pk)
        return Response(ExpenseSerializer(fresh).data, status=code)

    def _collaboration(self, collaboration_id: int | None) -> Collaboration | None:
        if collaboration_id is None:
            return None
        return _row(selectors.collaboration_get, "collaboration", organization=self.organization,
                    collaboration_id=collaboration_id)  # fmt: skip

    @extend_schema(request=ExpenseCreateSerializer, responses={201: ExpenseSerializer})
    def create(self, request, *args, **kwargs):
        """Record an expense, committed until marked paid. A campaign that is not the
        organization's answers 404; a collaboration of another campaign, 400."""
        body = ExpenseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            campaign = selectors.campaign_get(organization=self.organization,
                                              campaign_id=data.pop("campaign"))  # fmt: skip
        except Campaign.DoesNotExist:
            # The campaign is what the expense is recorded under, as the web route
            # /campaigns/<id>/expenses/ says: missing or another organization's, 404.
            raise exceptions.NotFound() from None
        user, _label = request_actor(request)
        expense = services.expense_create(
            organization=self.organization, campaign=campaign, by=user,
            collaboration=self._collaboration(data.pop("collaboration", None)), **data,
        )  # fmt: skip
        return self._show(expense, status.HTTP_201_CREATED)

    @extend_schema(request=ExpenseInputSerializer, responses=ExpenseSerializer)
    def update(self, request, *args, partial: bool = False, **kwargs):
        """Correct the expense while it is committed; PATCH keeps the fields not given.
        The campaign stays."""
        expense = self.get_object()
        body = ExpenseInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        current = {"collaboration": expense.collaboration_id, "category": expense.category,
                   "description": expense.description, "amount": expense.amount,
                   "incurred_on": expense.incurred_on}  # fmt: skip
        data = {**current, **body.validated_data}
        expense = services.expense_update(
            organization=self.organization, expense=expense,
            collaboration=self._collaboration(data.pop("collaboration")), **data,
        )  # fmt: skip
        return self._show(expense)

    @extend_schema(request=ExpenseInputSerializer, responses=ExpenseSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        """Delete the expense while it is committed (a paid one is refused, 400)."""
        services.expense_delete(organization=self.organization, expense=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ExpenseMarkPaidSerializer, responses=ExpenseSerializer)
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, *args, **kwargs):
        """Record the payment with its reference. Repeating it with the same reference
        changes nothing; an expense already paid under another reference is refused."""
        expense = self.get_object()  # 404 before the body is looked at
        body = ExpenseMarkPaidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expense = services.expense_mark_paid(
            organization=self.organization, expense=expense,
            reference=body.validated_data["reference"],
            paid_on=body.validated_data.get("paid_on"),
        )  # fmt: skip
        return self._show(expense)
