"""Organization A's orders import (uploaded through the service, so the file exists) and
postback credential, for the cross-tenant sweep."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tracking.imports import services
from tracking.models import OrderImportColumnMapping, OrderImportRowError
from tracking.services.postback import postback_credential_rotate


def values(tenant) -> dict:
    org = tenant.organization
    content = (
        "Order id,Created at,Currency,Total\nZEBRA-SECRET-ORDER-42,2025-01-02T10:00:00Z,EUR,10\n"
    )
    with tenant.context():
        order_import = services.order_import_upload(
            organization=org, uploaded_by=tenant.owner,
            upload=SimpleUploadedFile("zebracorn-secret-orders.csv", content.encode()),
        )  # fmt: skip
        credential, _ = postback_credential_rotate(organization=org, by=tenant.owner)
        # A row error and a remembered mapping too: every tenant table has a row of A.
        OrderImportRowError.objects.create(
            organization=org, order_import=order_import, line=2, column="Total",
            value="ZEBRA-SECRET-VALUE", reason="Not a number.",
        )  # fmt: skip
        OrderImportColumnMapping.objects.create(organization=org, header="zebra secret col",
                                                field="total")  # fmt: skip
    return {
        "order_import_id": order_import.pk,
        "secrets": [
            "zebracorn-secret-orders.csv",
            "ZEBRA-SECRET-ORDER-42",
            "ZEBRA-SECRET-VALUE",
            credential.public_key,
        ],
    }
