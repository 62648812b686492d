"""Shipping over the API: creators' addresses (read: they are entered by the creator in
the portal), shipments (create with products, carrier, tracking number and cost; change
status), and each shipment's tracking events. Carrier-tracking webhooks arrive at
/hooks/tracking/<provider>/<endpoint_id>/ (campaigns.views.hooks), outside this API."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema, inline_serializer
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


# --- the carrier-tracking webhook, documented in the OpenAPI schema ----------------------

TRACKING_WEBHOOK = OpenApiWebhook(
    name="AfterShipTrackingUpdate",
    decorator=extend_schema(
        summary="Carrier tracking update (AfterShip)",
        description=(
            "POSTed by AfterShip to `/hooks/tracking/aftership/{endpoint_id}/`, the URL shown "
            "on the organization's *Carrier tracking webhook* page (one endpoint and secret "
            "per organization). The `aftership-hmac-sha256` header must be the base64 "
            "HMAC-SHA256 of the raw body with the organization's webhook secret; otherwise "
            "the delivery is refused (401) and nothing is written. The shipment is found by "
            "`msg.tracking_number` (and `msg.slug` when it names UPS, USPS, FedEx or DHL); "
            "`msg.tag` sets its status (InfoReceived → label created; InTransit, "
            "OutForDelivery, AvailableForPickup → in transit; Delivered → delivered; "
            "AttemptFail, Exception, Expired → exception). An unknown tracking number is "
            "answered 200 and logged; a redelivered `event_id` changes nothing."
        ),
        request=inline_serializer(
            "AfterShipTrackingUpdate",
            fields={
                "event_id": serializers.UUIDField(
                    help_text="Unique per event: redeliveries repeat it"
                ),
                "event": serializers.CharField(
                    help_text="tracking_update; other events are ignored"
                ),
                "is_tracking_first_tag": serializers.BooleanField(),
                "ts": serializers.IntegerField(help_text="Unix time of the event"),
                "msg": inline_serializer(
                    "AfterShipTracking",
                    fields={
                        "id": serializers.CharField(),
                        "tracking_number": serializers.CharField(),
                        "slug": serializers.CharField(help_text="AfterShip courier slug"),
                        "tag": serializers.CharField(help_text="AfterShip delivery status"),
                        "subtag": serializers.CharField(),
                        "checkpoints": inline_serializer(
                            "AfterShipCheckpoint",
                            many=True,
                            fields={
                                "checkpoint_time": serializers.CharField(
                                    help_text="ISO 8601, local to the checkpoint"
                                ),
                                "tag": serializers.CharField(),
                                "message": serializers.CharField(),
                                "location": serializers.CharField(allow_null=True),
                            },
                        ),
                    },
                ),
            },
        ),  # fmt: skip
        responses={
            200: OpenApiResponse(
                description="Received: each event's outcome (applied, "
                "duplicate, unknown_tracking, ignored)"
            ),
            400: OpenApiResponse(description="Signed, but not a tracking payload"),
            401: OpenApiResponse(description="Signature missing or wrong; nothing written"),
            404: OpenApiResponse(description="No such endpoint"),
        },  # fmt: skip
    ),
)
