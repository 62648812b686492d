"""The postback endpoint (POST /t/conversion, public, outside /o/) and its settings page
(under the organization's tracking area, admins only). Thin: parse, authenticate, call
tracking.services.postback, answer."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from kolhub.models import Role
from kolhub.tenancy.context import tenant_context
from kolhub.tenancy.views import OrganizationMixin
from tracking.models import PostbackCredential
from tracking.services import postback as service
from tracking.services.conversions import ConversionInvalid

logger = logging.getLogger("tracking.postback")


def _refused(status: int, field: str, reason: str) -> JsonResponse:
    return JsonResponse({"field": field, "reason": reason}, status=status)


def _answer(outcome: service.PostbackOutcome, event: str) -> dict:
    credit = outcome.credit
    return {
        "conversion_id": outcome.conversion.pk,
        "external_id": outcome.conversion.external_id,
        "event": event,
        "status": outcome.status,
        "credit": "unattributed" if credit is None else {
            "rule": credit.rule, "rule_label": credit.get_rule_display(),
            "creator": credit.collaboration.creator.name,
            "collaboration_id": credit.collaboration_id, "campaign_id": credit.campaign_id,
            "reason": credit.reason,
        },
    }  # fmt: skip


@csrf_exempt
@require_POST
def postback_receive(request: HttpRequest) -> JsonResponse:
    body = request.body
    try:
        fields = service.postback_parse(body, request.content_type or "")
    except ConversionInvalid as bad:
        return _refused(400, bad.field, bad.reason)
    try:
        caller = service.postback_authenticate(headers=request.headers, body=body, fields=fields)
    except service.PostbackUnauthorized as refused:
        logger.warning(
            "postback refused (401): %s; organization_key=%r from %s", refused,
            fields.get("organization_key", "")[:40], request.META.get("REMOTE_ADDR", ""),
        )  # fmt: skip
        return _refused(401, "authentication", str(refused))
    except service.PostbackForbidden as refused:
        logger.warning("postback refused (403): %s", refused)
        return _refused(403, "authentication", str(refused))
    if service.postback_rate_limited(caller):
        response = _refused(429, "rate", "too many postbacks this minute from this key")
        response["Retry-After"] = "60"
        return response
    try:
        with tenant_context(caller.organization) as organization:
            outcome = service.postback_record(organization=organization, fields=fields)
            service.postback_caller_touch(organization=organization, caller=caller)
            answer = _answer(outcome, fields.get("event", "").lower())
    except service.PostbackNotFound as missing:
        return _refused(404, missing.field, missing.reason)
    except ConversionInvalid as bad:
        return _refused(400, bad.field, bad.reason)
    return JsonResponse(answer, status=201 if outcome.created else 200)


class PostbackSettingsView(OrganizationMixin, TemplateView):
    """The organization's postback key and secret: admins create or rotate it; the secret
    is shown on the response that made it, never again."""

    template_name = "tracking/postback_settings.html"
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "credential", PostbackCredential.objects.for_org(self.organization).first()
        )
        context["endpoint"] = self.request.build_absolute_uri(reverse("postback_receive"))
        return context

    def post(self, request, *args, **kwargs):
        credential, raw = service.postback_credential_rotate(
            organization=self.organization, by=request.user
        )
        return self.render_to_response(self.get_context_data(credential=credential, new_secret=raw))


class PostbackDocsView(OrganizationMixin, TemplateView):
    """docs/postback.md for the people who wire a system to the postback: the fields,
    signing and answers. Shown as the Markdown text it is (it reads as plain text, and
    no Markdown renderer is a dependency); any member may read it, it holds no secret."""

    template_name = "tracking/postback_docs.html"
    source: Path = settings.BASE_DIR / "docs" / "postback.md"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["text"] = self.source.read_text(encoding="utf-8")
        except FileNotFoundError:
            # An image built without docs/ has nothing to show here.
            raise Http404("The postback documentation is not installed.") from None
        context["endpoint"] = self.request.build_absolute_uri(reverse("postback_receive"))
        return context
