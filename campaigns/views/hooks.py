"""The carrier-tracking webhook: /hooks/tracking/<provider>/<endpoint_id>/, outside the
tenant URL space (the provider is not a member of anything).

The endpoint id finds the organization (one platform-level lookup, like a portal
token's); the provider's adapter verifies the signature with that organization's secret
before the body is read; then everything runs inside the organization's tenant_context
(transaction, ORM scope, database role), like a tenant Celery task.

Answers: 404 for an unknown endpoint; 401 for a bad or missing signature (logged, nothing
written); 400 for a signed body we cannot read; 200 otherwise, including for tracking
numbers we do not know (logged and ignored: answering an error would only make the
provider retry a parcel that is not ours) and for redeliveries (idempotent)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.shipping.carriers import PayloadInvalid, SignatureInvalid, provider_get
from campaigns.shipping.secrets import secret_decrypt
from kolhub.tenancy.context import tenant_context

logger = logging.getLogger("campaigns.tracking_webhook")
MAX_BODY = 1024 * 1024  # AfterShip's bodies are tens of KB; refuse anything absurd


@csrf_exempt
@require_POST
def tracking_webhook(request: HttpRequest, provider: str, endpoint_id: str) -> JsonResponse:
    adapter = provider_get(provider)
    endpoint = adapter and selectors.tracking_endpoint_find(provider=provider,
                                                            public_id=endpoint_id)  # fmt: skip
    if endpoint is None:
        logger.warning("tracking webhook for an unknown endpoint %s/%s", provider, endpoint_id)
        return JsonResponse({"detail": "Not found."}, status=404)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": "Too large."}, status=413)
    secret = secret_decrypt(endpoint.secret_encrypted) or ""
    try:
        events = adapter.parse(request.body, request.headers, secret)
    except SignatureInvalid as refused:
        logger.warning(
            "tracking webhook refused for organization %s (%s): %s, from %s",
            endpoint.organization_id, provider, refused, request.META.get("REMOTE_ADDR", ""),
        )  # fmt: skip
        return JsonResponse({"detail": "Signature does not match."}, status=401)
    except PayloadInvalid as bad:
        logger.warning("tracking webhook unreadable for organization %s: %s",
                       endpoint.organization_id, bad)  # fmt: skip
        return JsonResponse({"detail": f"Unreadable payload: {bad}."}, status=400)
    with tenant_context(endpoint.organization) as organization:
        outcomes = services.tracking_events_apply(
            organization=organization, endpoint=endpoint, events=events
        )
    for outcome in outcomes:
        logger.info("tracking webhook event %s: %s", outcome.event_id, outcome.outcome)
    return JsonResponse({"events": [{"event_id": o.event_id, "outcome": o.outcome}
                                    for o in outcomes]})  # fmt: skip
