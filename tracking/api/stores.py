"""Store connections over the API, under /api/v1/o/<org_slug>/stores/: list, one,
connect (or reconnect), disconnect, pull now. Admins only. The access token and the app
secret go in, never out: no serializer here has a field that reads them."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.campaigns import request_actor
from kolhub.api.base import OrganizationViewSet
from kolhub.models import Role
from tracking.models import StoreConnection, StoreDiscount
from tracking.selectors import stores as selectors
from tracking.services import stores as services


class StoreConnectionSerializer(serializers.ModelSerializer):
    webhook_url = serializers.SerializerMethodField()

    class Meta:
        model = StoreConnection
        fields = [
            "id", "kind", "shop_domain", "status", "last_error", "failures", "next_attempt_at",
            "orders_high_water", "last_pulled_at", "sync_discount_codes", "webhook_url",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_webhook_url(self, connection: StoreConnection) -> str:
        path = reverse("shopify_webhook_receive", args=[connection.public_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class StoreDiscountSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="promo_code.code", read_only=True)

    class Meta:
        model = StoreDiscount
        fields = ["id", "code", "status", "errors", "attempts", "store_discount_id"]
        read_only_fields = fields


class StoreConnectSerializer(serializers.Serializer):
    shop_domain = serializers.CharField(max_length=255)
    access_token = serializers.CharField(max_length=255, write_only=True)
    webhook_secret = serializers.CharField(max_length=255, write_only=True)
    sync_discount_codes = serializers.BooleanField(default=False)


class StoreConnectionApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Connected stores (Shopify) and the state of their order pulls."""

    model = StoreConnection
    lookup_url_kwarg = "store_connection_id"
    serializer_class = StoreConnectionSerializer
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def get_org_queryset(self, organization):
        return selectors.store_connection_queryset(organization=organization)

    @extend_schema(request=StoreConnectSerializer, responses={201: StoreConnectionSerializer})
    def create(self, request, *args, **kwargs):
        body = StoreConnectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            connection = services.store_connect(
                organization=self.organization, by=request_actor(request)[0],
                **body.validated_data,
            )  # fmt: skip
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        data = StoreConnectionSerializer(connection, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=StoreConnectionSerializer)
    @action(detail=True, methods=["post"])
    def disconnect(self, request, *args, **kwargs):
        connection = services.store_disconnect(
            organization=self.organization, connection=self.get_object()
        )
        return Response(StoreConnectionSerializer(connection, context={"request": request}).data)

    @extend_schema(request=None, responses={202: StoreDiscountSerializer})
    @action(detail=True, methods=["post"])
    def retry_discount(self, request, *args, **kwargs):
        """Ask the store again for a promo code whose sync failed."""
        try:
            discount = services.store_discount_retry(
                organization=self.organization, connection=self.get_object(),
                store_discount_id=self.kwargs["store_discount_id"],
            )  # fmt: skip
        except StoreDiscount.DoesNotExist:  # another store's, or none: the refusal is 400
            raise Http404 from None
        return Response(StoreDiscountSerializer(discount).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: StoreConnectionSerializer})
    @action(detail=True, methods=["post"])
    def pull(self, request, *args, **kwargs):
        connection = self.get_object()
        try:
            services.store_pull_request(organization=self.organization, connection=connection)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"non_field_errors": error.messages}) from None
        data = StoreConnectionSerializer(connection, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
