"""The one place a portal request becomes a creator of an organization.

Portal URLs are not under /o/<org_slug>/, so the tenant middleware lets them through
without a tenant; `PortalMixin` resolves who is asking, enters that organization's
tenant_context (transaction, ORM scope, database role) for the whole view *and* the
rendering of its template, and sets `request.portal` / `request.portal_creator`.

Two ways in, one result (a PortalGrant):
- a token in the URL (/p/<token>/…), through campaigns.services.portal_token_resolve;
  an unknown, malformed, expired or revoked token gets the same friendly 404 page with
  no data, and the refusal is logged (its reason and the client address, never the
  token);
- a logged-in account that claimed a creator of the brand in the URL (/p/b/<brand>/…);
  anonymous visitors are sent to log in, and a brand that did not link the account is
  a plain 404."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import SimpleTemplateResponse
from django.urls import reverse

from campaigns import selectors, services
from campaigns.models import PortalToken
from creators.models import Creator
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context

logger = logging.getLogger("portal.access")

TOKEN, ACCOUNT = "token", "account"


@dataclass(frozen=True)
class PortalGrant:
    organization: Organization
    creator: Creator
    mode: str  # TOKEN or ACCOUNT
    # The URL kwargs of this portal's root: {"token": raw} or {"brand": org slug}.
    route: dict[str, str] = field(default_factory=dict)
    token: PortalToken | None = None

    def url(self, name: str, **kwargs) -> str:
        """A portal page of the same way in: the token's pages for a token, the
        account's for an account."""
        return reverse(f"portal_{self.mode}_{name}", kwargs={**self.route, **kwargs})


def invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/invalid.html", status=404)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _grant(request: HttpRequest, kwargs: dict) -> PortalGrant | HttpResponse:
    if "token" in kwargs:
        raw = kwargs["token"]
        try:
            organization, creator, token = services.portal_token_resolve(raw)
        except services.PortalTokenInvalid as refused:
            logger.warning(
                "portal link refused: %s (from %s, %s)", refused.reason, client_address(request),
                request.method,
            )  # fmt: skip
            return invalid_link(request)
        return PortalGrant(organization, creator, TOKEN, {"token": raw}, token)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.portal_account_resolve(user=request.user, organization_slug=kwargs["brand"])
    if found is None:
        logger.warning("portal account %s refused for brand %r", request.user.pk, kwargs["brand"])
        return invalid_link(request)
    organization, creator = found
    return PortalGrant(organization, creator, ACCOUNT, {"brand": kwargs["brand"]})


def private(response: HttpResponse) -> HttpResponse:
    # A token page is someone's key: never cached, never indexed, and its URL (which
    # holds the token) is never sent as a Referer to another site. Not "no-referrer":
    # browsers then send "Origin: null" with the portal's own forms, and CSRF refuses them.
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PortalMixin:
    """For every portal view under /p/<token>/ and /p/b/<brand>/."""

    request: HttpRequest

    def dispatch(self, request, *args, **kwargs):
        grant = _grant(request, kwargs)
        if isinstance(grant, HttpResponse):
            return private(grant)
        with tenant_context(grant.organization):
            request.portal = grant
            request.portal_creator = grant.creator
            response = super().dispatch(request, *args, **kwargs)
            # Render inside the tenant: templates read tenant rows lazily.
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()
        return private(response)

    @property
    def portal(self) -> PortalGrant:
        return self.request.portal

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(portal=self.portal, brand=self.portal.organization,
                       creator=self.portal.creator)  # fmt: skip
        return context
