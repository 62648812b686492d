"""Tracking links on the collaboration page (create, delete, QR download) and the public
/r/<code> redirect."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from campaigns.views.campaigns import CollaborationActionView, get_or_404
from campaigns.views.collaboration import collaboration_url
from kolhub.tenancy.views import OrganizationMixin
from tracking import links, selectors, services
from tracking.clicks import record_click, resolve_code

log = logging.getLogger(__name__)


def redirect_view(request, code: str):
    """Public, no tenant: the code is looked up in the platform-level register."""
    target = resolve_code(code)
    if target is None:
        return render(request, "tracking/link_not_found.html", status=404)
    try:
        click_id = record_click(request, target)
    except Exception:  # noqa: BLE001 — a valid code always redirects, counted or not
        log.exception("tracking: click on %s not recorded", code)
        return HttpResponseRedirect(target["url"])
    response = HttpResponseRedirect(links.with_click_id(target["url"], click_id))
    response["Cache-Control"] = "no-store"  # every visit must reach us to be counted
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


class TrackingLinkCreateView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        try:
            link = services.tracking_link_create(
                organization=self.organization, collaboration=collaboration,
                platform=request.POST.get("platform", ""),
                destination_url=request.POST.get("destination_url", ""), by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Tracking link /r/{link.code} created.")
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "tracking-links"))


class TrackingLinkMixin(OrganizationMixin):
    def link(self):
        return get_or_404(selectors.tracking_link_get, organization=self.organization,
                          link_id=self.kwargs["link_id"])  # fmt: skip


class TrackingLinkDeleteView(TrackingLinkMixin, View):
    def post(self, request, org_slug: str, link_id: int):
        link = self.link()
        collaboration = link.collaboration
        services.tracking_link_delete(organization=self.organization, link=link)
        messages.success(request, f"Tracking link /r/{link.code} deleted.")
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "tracking-links"))


class TrackingLinkQrView(TrackingLinkMixin, View):
    def get(self, request, org_slug: str, link_id: int, kind: str):
        if kind not in ("svg", "png"):
            raise Http404("Not found")
        link = self.link()
        image = links.qr_image(request.build_absolute_uri(f"/r/{link.code}"), kind)
        response = HttpResponse(
            image, content_type="image/svg+xml" if kind == "svg" else "image/png"
        )
        response["Content-Disposition"] = f'attachment; filename="link-{link.code}.{kind}"'
        return response
