"""The Shopify webhook: /hooks/shopify/<public_id>/, outside the tenant URL space.

The public id finds the connection (one platform-level lookup); the X-Shopify-Hmac-Sha256
signature is checked against that connection's app secret on the raw body before the
body is read at all; then the delivery is kept inside the organization's tenant_context
and processed by a worker (Shopify wants an answer within seconds, and a refund may need
a call back to the store).

Answers: 404 for an unknown or disconnected store; 401 for a bad or missing signature
(logged, nothing written); 400 for a signed body that is not a JSON object or lacks the
webhook id; 200 otherwise, including replays (counted, not processed again) and topics we
do not read (so Shopify does not retry them)."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from campaigns.shipping.secrets import secret_decrypt
from kolhub.tenancy.context import tenant_context
from tracking.connectors.shopify import webhook_signature_valid
from tracking.selectors.stores import store_connection_for_webhook
from tracking.services.stores import WEBHOOK_TOPICS, webhook_delivery_receive

logger = logging.getLogger("tracking.shopify_webhook")
MAX_BODY = 2 * 1024 * 1024  # an order with hundreds of lines is well under this


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest, public_id: str) -> JsonResponse:
    connection = store_connection_for_webhook(public_id=public_id)
    if connection is None:
        logger.warning("shopify webhook for an unknown store %s", public_id)
        return JsonResponse({"detail": "Not found."}, status=404)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": "Too large."}, status=413)
    stored = connection.webhook_secret_encrypted
    secret = (secret_decrypt(stored) if stored else None) or ""
    signature = request.headers.get("X-Shopify-Hmac-Sha256")
    if not webhook_signature_valid(request.body, secret, signature):
        logger.warning(
            "shopify webhook refused for organization %s store %s: bad or missing signature, "
            "from %s", connection.organization_id, connection.shop_domain,
            request.META.get("REMOTE_ADDR", ""),
        )  # fmt: skip
        return JsonResponse({"detail": "Signature does not match."}, status=401)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        logger.warning("shopify webhook with malformed JSON for store %s", connection.pk)
        return JsonResponse({"detail": "The body is not valid JSON."}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"detail": "The body is not a JSON object."}, status=400)
    webhook_id = (request.headers.get("X-Shopify-Webhook-Id") or "").strip()
    topic = (request.headers.get("X-Shopify-Topic") or "").strip()
    if not webhook_id or len(webhook_id) > 100:
        return JsonResponse({"detail": "X-Shopify-Webhook-Id is missing."}, status=400)
    if topic not in WEBHOOK_TOPICS:
        logger.info("shopify webhook topic %r ignored for store %s", topic, connection.pk)
        return JsonResponse({"outcome": "ignored", "topic": topic})
    with tenant_context(connection.organization) as organization:
        delivery, new = webhook_delivery_receive(
            organization=organization, connection=connection, webhook_id=webhook_id,
            topic=topic, body=body,
        )  # fmt: skip
    return JsonResponse({"delivery": delivery.pk, "outcome": "queued" if new else "replay"})
