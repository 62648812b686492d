"""Shipping over the API: creators' addresses (read: they are entered by the creator in
the portal), shipments (create with products, carrier, tracking number and cost; change
status), and each shipment's tracking events. Carrier-tracking webhooks arrive at
/hooks/tracking/<provider>/<endpoint_id>/ (campaigns.views.hooks), outside this API."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.api.campaigns import request_actor
from campaigns.models import (
    Carrier,
    Collaboration,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentStatus,
    ShippingAddress,
)
from kolhub.api.base import OrganizationViewSet


class ShippingAddressSerializer(serializers.ModelSerializer):
    creator_name = serializers.CharField(source="creator.name", read_only=True)

    class Meta:
        model = ShippingAddress
        fields = [
            "id", "creator", "creator_name", "name", "street_address", "city_area", "city",
            "country_area", "postal_code", "sorting_code", "country", "phone", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ShipmentItemSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)

    class Meta:
        model = ShipmentItem
        fields = ["product", "product_name", "sku", "quantity", "unit_cost"]
        read_only_fields = fields


class ShipmentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentEvent
        fields = ["id", "status", "previous_status", "applied", "source", "at", "by", "message",
                  "location", "external_id"]  # fmt: skip
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="collaboration.campaign_id", read_only=True)
    creator = serializers.IntegerField(source="collaboration.creator_id", read_only=True)
    items = ShipmentItemSerializer(many=True, read_only=True)
    events = ShipmentEventSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id", "collaboration", "campaign", "creator", "carrier", "carrier_name",
            "tracking_number", "cost", "currency", "status", "status_changed_at", "shipped_at",
            "delivered_at", "ship_to", "items", "events", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ShipmentLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(help_text="A product of the collaboration's campaign")
    quantity = serializers.IntegerField(min_value=1)


class ShipmentCreateSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField()
    items = ShipmentLineSerializer(many=True)
    carrier = serializers.ChoiceField(choices=Carrier.choices)
    carrier_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    tracking_number = serializers.CharField(
        max_length=60, help_text="Checked against the carrier's format"
    )
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="In the campaign's currency; 0 is allowed"
    )


class ShipmentStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ShipmentStatus.choices)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ShipmentFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="collaboration__campaign_id")
    collaboration = django_filters.NumberFilter(field_name="collaboration_id")
    status = django_filters.ChoiceFilter(choices=ShipmentStatus.choices)

    class Meta:
        fields: list[str] = []


class AddressFilterSet(django_filters.FilterSet):
    creator = django_filters.NumberFilter(field_name="creator_id")

    class Meta:
        fields: list[str] = []


class ShippingAddressApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Creators' shipping addresses (personal data: this organization's creators only)."""

    model = ShippingAddress
    lookup_url_kwarg = "address_id"
    serializer_class = ShippingAddressSerializer
    filterset_class = AddressFilterSet

    def get_org_queryset(self, organization):
        return selectors.address_queryset(organization=organization).order_by("id")


class ShipmentApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Shipments, newest first, with their items and status history."""

    model = Shipment
    lookup_url_kwarg = "shipment_id"
    filterset_class = ShipmentFilterSet
    serializer_class = ShipmentSerializer

    def get_org_queryset(self, organization):
        return selectors.shipment_queryset(organization=organization)

    def _show(self, shipment: Shipment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_org_queryset(self.organization).get(pk=shipment.pk)
        return Response(ShipmentSerializer(fresh).data, status=code)

    @extend_schema(request=ShipmentCreateSerializer, responses={201: ShipmentSerializer})
    def create(self, request, *args, **kwargs):
        """Needs the creator's shipping address; the tracking number must match the
        carrier's format."""
        body = ShipmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            collaboration = selectors.collaboration_get(
                organization=self.organization, collaboration_id=data["collaboration"]
            )
        except Collaboration.DoesNotExist:
            raise serializers.ValidationError(
                {"collaboration": ["No such collaboration."]}
            ) from None
        user, _label = request_actor(request)
        shipment = services.shipment_create(
            organization=self.organization, collaboration=collaboration,
            items=[dict(line) for line in data["items"]], carrier=data["carrier"],
            carrier_name=data.get("carrier_name", ""), tracking_number=data["tracking_number"],
            cost=data["cost"], by=user,
        )  # fmt: skip
        return self._show(shipment, status.HTTP_201_CREATED)

    @extend_schema(request=ShipmentStatusSerializer, responses=ShipmentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, *args, **kwargs):
        """Change the status by hand (label created → in transit → delivered / exception).
        The first move to in transit moves a contracted collaboration to product shipped."""
        body = ShipmentStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, _label = request_actor(request)
        shipment = self.get_object()
        services.shipment_status_set(
            organization=self.organization, shipment=shipment, by=user,
            status=body.validated_data["status"],
            message=body.validated_data.get("message", ""),
        )  # fmt: skip
        return self._show(shipment)

    @extend_schema(responses=ShipmentEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, *args, **kwargs):
        """Every tracking event of the shipment, by hand or from the carrier webhook."""
        shipment = self.get_object()
        rows = (
            selectors.shipment_event_queryset(organization=self.organization)
            .filter(shipment=shipment)
            .order_by("at", "id")
        )
        return Response(ShipmentEventSerializer(rows, many=True).data)
