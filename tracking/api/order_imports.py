"""Orders import over the API: upload a CSV/XLSX with (optionally) its column mapping and
the import starts at once; then poll its progress and fetch its errors as CSV. Same
services as the brand pages (tracking.imports)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from creators.imports.exports import errors_csv
from kolhub.api.base import OrganizationViewSet
from tracking.imports import selectors, services
from tracking.models import OrderImport


class OrderImportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrderImport
        fields = [
            "id", "original_name", "status", "mapping", "total_rows", "processed_rows",
            "percent", "created_count", "updated_count", "unchanged_count", "error_count",
            "failure", "created_at", "started_at", "finished_at",
        ]  # fmt: skip


class OrderImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.CharField(
        required=False,
        help_text='JSON {"column header": "field"}; fields: external_id, name, occurred_at, '
        "cancelled_at, currency, total, subtotal, tax, refunded, discount_codes, landing_url, "
        "click_id, utm_source … utm_term, customer_ref, customer_order_index, "
        "shipping_country. Omitted: the organization's remembered mapping and the obvious "
        "header names.",
    )

    def validate_mapping(self, value: str) -> dict:
        try:
            mapping = json.loads(value)
        except ValueError:
            raise serializers.ValidationError("Not valid JSON.") from None
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise serializers.ValidationError('Must be a JSON object {"header": "field"}.')
        return mapping


class OrderImportApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """CSV/XLSX imports of orders: each row becomes a conversion (source "csv"), credited
    like a store order; re-importing a file changes nothing."""

    model = OrderImport
    lookup_url_kwarg = "order_import_id"
    serializer_class = OrderImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_org_queryset(self, organization):
        return selectors.order_import_list(organization=organization)

    @extend_schema(request=OrderImportUploadSerializer, responses={202: OrderImportSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a file and start its import; poll the import for its progress."""
        upload = OrderImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        user = request.user if getattr(request.user, "pk", None) else None
        try:
            order_import = services.order_import_upload(
                organization=self.organization, uploaded_by=user,
                upload=upload.validated_data["file"],
            )  # fmt: skip
            mapping = upload.validated_data.get("mapping")
            if mapping is None:
                headers = selectors.order_import_headers(
                    organization=self.organization, order_import=order_import
                )
                mapping = selectors.order_import_mapping_initial(
                    organization=self.organization, headers=headers
                )
            order_import = services.order_import_start(
                organization=self.organization, order_import=order_import, mapping=mapping,
                started_by=user,
            )  # fmt: skip
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {
                "mapping": error.messages}  # fmt: skip
            raise serializers.ValidationError(detail) from None
        return Response(OrderImportSerializer(order_import).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def errors(self, request, *args, **kwargs):
        """The import's row errors as CSV: line, column, value, reason (formula-safe)."""
        order_import = self.get_object()
        body = errors_csv(
            selectors.order_import_row_error_list(
                organization=self.organization, order_import=order_import
            )
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="order-import-{order_import.pk}-errors.csv"'
        )
        return response
