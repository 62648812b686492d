"""Offers over the API, as the brand: list (per collaboration), propose (create), counter,
accept, decline and withdraw as actions, and the diff between two versions. The
creator's side of the negotiation is the portal. Writes go through
campaigns.services.offers; querysets come from get_org_queryset."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import selectors, services, warnings
from campaigns.api.campaigns import request_actor
from campaigns.api.warnings import CreatorWarningSerializer
from campaigns.models import (
    Collaboration,
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OfferStatus,
    PaymentTrigger,
    Side,
)
from campaigns.terms import terms_of
from creators.models import Deliverable, Platform
from kolhub.api.base import OrganizationViewSet
from kolhub.models import CURRENCIES


class OfferDeliverableSerializer(serializers.ModelSerializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    kind = serializers.ChoiceField(choices=Deliverable.choices)
    quantity = serializers.IntegerField(min_value=1)

    class Meta:
        model = OfferDeliverable
        fields = ["platform", "kind", "quantity", "due_date"]


class OfferGiftSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(allow_null=True, help_text="A product of the campaign")
    product_name = serializers.CharField(read_only=True)
    sku = serializers.CharField(read_only=True)
    quantity = serializers.IntegerField(min_value=1)

    class Meta:
        model = OfferGift
        fields = ["product_id", "product_name", "sku", "quantity"]


class OfferInstallmentSerializer(serializers.ModelSerializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    trigger = serializers.ChoiceField(choices=PaymentTrigger.choices)
    net_days = serializers.IntegerField(min_value=0)

    class Meta:
        model = OfferInstallment
        fields = ["percent", "trigger", "net_days"]


class OfferSerializer(serializers.ModelSerializer):
    deliverables = OfferDeliverableSerializer(many=True, read_only=True)
    gifts = OfferGiftSerializer(many=True, read_only=True)
    installments = OfferInstallmentSerializer(
        many=True, read_only=True, help_text="Payment schedule"
    )
    proposed_by_user = serializers.PrimaryKeyRelatedField(read_only=True)
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True)
    # Plain text: the same choices as proposed_by plus "" (still open); a second enum of
    # one choice set would only confuse the schema.
    decided_by = serializers.CharField(read_only=True,
                                       help_text="brand or creator; empty while open")  # fmt: skip

    class Meta:
        model = Offer
        fields = [
            "id", "collaboration", "version", "proposed_by", "proposed_by_user", "proposed_at",
            "status", "decided_at", "decided_by", "fee", "currency", "exchange_rate",
            "commission_percent", "gift_note", "gifts", "deliverables", "usage_rights_days",
            "usage_channels", "paid_amplification", "exclusivity_categories",
            "exclusivity_days", "installments", "note",
        ]  # fmt: skip
        read_only_fields = fields


class OfferDetailSerializer(OfferSerializer):
    warnings = CreatorWarningSerializer(
        many=True, read_only=True,
        help_text="About offering this creator this campaign (e.g. an exclusivity conflict "
        "under another contract); a warning, not a block",
    )  # fmt: skip

    class Meta(OfferSerializer.Meta):
        fields = [*OfferSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


class OfferTermsSerializer(serializers.Serializer):
    """The terms of a new version. Validated again (and fully) by the service: the
    currency rate, due dates, the schedule adding up to 100 %, the fee-of-0 rule."""

    fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False,
                                       help_text="Defaults to the campaign's")  # fmt: skip
    exchange_rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, required=False, allow_null=True,
        help_text="1 unit of the offer's currency in the campaign's; required when they differ",
    )  # fmt: skip
    commission_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    gifts = OfferGiftSerializer(many=True, required=False)
    gift_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    deliverables = OfferDeliverableSerializer(many=True)
    usage_rights_days = serializers.IntegerField(required=False, min_value=0)
    usage_channels = serializers.ListField(child=serializers.CharField(max_length=60),
                                           required=False)  # fmt: skip
    paid_amplification = serializers.BooleanField(required=False)
    exclusivity_categories = serializers.ListField(child=serializers.CharField(max_length=60),
                                                   required=False)  # fmt: skip
    exclusivity_days = serializers.IntegerField(required=False, min_value=0)
    installments = OfferInstallmentSerializer(
        many=True, required=False, help_text="Payment schedule"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class OfferProposeSerializer(OfferTermsSerializer):
    collaboration = serializers.IntegerField()
    replacing_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0,
        help_text="The version you saw open (0: none); refused if another is open now",
    )  # fmt: skip


class OfferDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class OfferChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class OfferDiffSerializer(serializers.Serializer):
    offer = serializers.IntegerField(help_text="The version compared (its id)")
    version = serializers.IntegerField()
    against = serializers.IntegerField(allow_null=True, help_text="The id compared against")
    against_version = serializers.IntegerField(allow_null=True)
    changes = OfferChangeSerializer(many=True)


class OfferFilterSet(django_filters.FilterSet):
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    status = django_filters.MultipleChoiceFilter(choices=OfferStatus.choices)

    class Meta:
        fields: list[str] = []


def _terms(data: dict) -> dict:
    """The serializer's data as campaigns.services.offers.terms_parse takes it."""
    terms = dict(data)
    for name in ("collaboration", "replacing_version"):
        terms.pop(name, None)
    return terms


class OfferApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Offer versions, oldest first; filter with `collaboration` and `status`. POST
    proposes the brand's offer on a collaboration (a first offer, a counter to the
    creator's open version, or a revision); the actions answer one version."""

    model = Offer
    lookup_url_kwarg = "offer_id"
    filterset_class = OfferFilterSet
    serializer_class = OfferSerializer

    def get_org_queryset(self, organization):
        return selectors.offer_queryset(organization=organization).order_by(
            "collaboration_id", "version"
        )

    def _collaboration(self, collaboration_id: int):
        try:
            return selectors.collaboration_get(organization=self.organization,
                                               collaboration_id=collaboration_id)  # fmt: skip
        except Collaboration.DoesNotExist:
            # Missing and another organization's look the same.
            raise serializers.ValidationError(
                {"collaboration": ["No such collaboration."]}
            ) from None

    def _show(self, offer: Offer, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_org_queryset(self.organization).get(pk=offer.pk)
        fresh.warnings = warnings.offer_warnings(
            organization=self.organization, campaign=fresh.collaboration.campaign,
            creator_id=fresh.collaboration.creator_id, terms=terms_of(fresh),
        )  # fmt: skip
        return Response(OfferDetailSerializer(fresh).data, status=code)

    @extend_schema(responses=OfferDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._show(self.get_object())

    @extend_schema(request=OfferProposeSerializer, responses={201: OfferDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = OfferProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        offer = services.offer_propose(
            organization=self.organization,
            collaboration=self._collaboration(body.validated_data["collaboration"]),
            terms=_terms(body.validated_data), by=user, actor=label,
            replacing_version=body.validated_data.get("replacing_version"),
        )  # fmt: skip
        return self._show(offer, status.HTTP_201_CREATED)

    @extend_schema(request=OfferTermsSerializer, responses={201: OfferDetailSerializer})
    @action(detail=True, methods=["post"])
    def counter(self, request, *args, **kwargs):
        """Answer the creator's open version with the brand's terms (a new version)."""
        body = OfferTermsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _label = request_actor(request)
        offer = services.offer_counter(
            organization=self.organization, offer=self.get_object(), side=Side.BRAND,
            terms=_terms(body.validated_data), by=user,
        )  # fmt: skip
        return self._show(offer, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        """Accept the creator's open version: it becomes the terms, the collaboration
        moves to agreed and the payment ledger is generated. Accepting again returns the
        accepted version and changes nothing."""
        user, label = request_actor(request)
        offer = services.offer_accept(organization=self.organization, offer=self.get_object(),
                                      side=Side.BRAND, by=user, actor=label)  # fmt: skip
        return self._show(offer)

    @extend_schema(request=OfferDeclineSerializer, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        """Decline the creator's open version (the collaboration stays negotiating)."""
        body = OfferDeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, label = request_actor(request)
        offer = services.offer_decline(
            organization=self.organization, offer=self.get_object(), side=Side.BRAND, by=user,
            actor=label, reason=body.validated_data.get("reason", ""),
        )  # fmt: skip
        return self._show(offer)

    @extend_schema(request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Withdraw the brand's own open version."""
        user, _label = request_actor(request)
        offer = services.offer_withdraw(
            organization=self.organization, offer=self.get_object(), side=Side.BRAND, by=user
        )
        return self._show(offer)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "against",
                int,
                description="The id of the version to compare with; by default the one before",
            )
        ],  # fmt: skip
        responses=OfferDiffSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def diff(self, request, *args, **kwargs):
        """Field by field (and row by row) what changed from another version."""
        offer = self.get_object()
        against = None
        if request.query_params.get("against"):
            try:
                against = self.get_org_queryset(self.organization).get(
                    pk=int(request.query_params["against"]),
                    collaboration_id=offer.collaboration_id,
                )
            except (ValueError, Offer.DoesNotExist):
                raise serializers.ValidationError(
                    {"against": ["No such version of this collaboration's offer."]}
                ) from None
        against, changes = selectors.offer_diff(organization=self.organization, offer=offer,
                                                against=against)  # fmt: skip
        return Response(OfferDiffSerializer({
            "offer": offer.pk, "version": offer.version,
            "against": against.pk if against else None,
            "against_version": against.version if against else None,
            "changes": changes,
        }).data)  # fmt: skip
