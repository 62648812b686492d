"""Shipping on the brand's pages: creating a shipment and changing its status (on the
collaboration page), the campaign's nudge delay (on the campaign page), and the
organization's carrier-tracking webhook (its URL, and a secret shown once). Thin: parse,
call a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from campaigns.forms.shipping import NudgeDaysForm, ShipmentForm, ShipmentStatusForm
from campaigns.shipping.carriers import PROVIDERS
from campaigns.views.campaigns import CampaignMixin, CollaborationActionView, get_or_404
from campaigns.views.collaboration import CollaborationDetailView, collaboration_url
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin


def shipment_form(campaign, data=None) -> ShipmentForm:
    return ShipmentForm(data, products=list(campaign.products.all()), currency=campaign.currency)


class ShipmentCreateView(CollaborationDetailView):
    """Errors (a tracking number that is not the carrier's, no address yet) are shown on
    the collaboration page, next to the form."""

    http_method_names = ["post", "options"]

    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int):
        collaboration = self.collaboration()
        form = shipment_form(self.campaign(), request.POST)
        if form.is_valid():
            try:
                shipment = services.shipment_create(
                    organization=self.organization, collaboration=collaboration,
                    items=form.items(), carrier=form.cleaned_data["carrier"],
                    carrier_name=form.cleaned_data["carrier_name"],
                    tracking_number=form.cleaned_data["tracking_number"],
                    cost=form.cleaned_data["cost"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Shipment {shipment} created.")
                return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "shipping"))
        context = self.get_context_data(**self.kwargs)
        context.update(shipment_form=form, shipment_form_open=True)
        return self.render_to_response(context, status=400)


class ShipmentStatusView(CollaborationActionView):
    def post(self, request, org_slug: str, campaign_id: int, collaboration_id: int,
             shipment_id: int):  # fmt: skip
        collaboration = self.collaboration()
        shipment = get_or_404(selectors.shipment_get, organization=self.organization,
                              shipment_id=shipment_id, collaboration=collaboration)  # fmt: skip
        form = ShipmentStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a status.")
        else:
            try:
                services.shipment_status_set(
                    organization=self.organization, shipment=shipment, by=request.user,
                    status=form.cleaned_data["status"], message=form.cleaned_data["message"],
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Shipment {shipment} is now "
                                          f"{shipment.get_status_display().lower()}.")  # fmt: skip
        return HttpResponseRedirect(collaboration_url(org_slug, collaboration, "shipping"))


class NudgeDaysView(CampaignMixin, View):
    def post(self, request, org_slug: str, campaign_id: int):
        form = NudgeDaysForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The nudge delay is a number of days from 1 to 90.")
        else:
            services.campaign_nudge_days_set(
                organization=self.organization, campaign=self.campaign(),
                days=form.cleaned_data["seeding_nudge_days"],
            )  # fmt: skip
            messages.success(request, "Nudge delay saved.")
        return HttpResponseRedirect(
            reverse("campaign_detail", args=[org_slug, campaign_id]) + "#seeding"
        )


class TrackingWebhookView(OrganizationMixin, TemplateView):
    """The organization's carrier-tracking webhook: the URL to paste into the provider,
    a secret (shown once, on the response that made it) and the latest deliveries."""

    template_name = "campaigns/tracking_webhook.html"
    write_role = Role.ADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.organization
        endpoints = {e.provider: e for e in selectors.tracking_endpoint_list(organization=org)}
        context.update(
            providers=[(p, endpoints.get(slug)) for slug, p in PROVIDERS.items()],
            log=selectors.webhook_log_list(organization=org),
        )
        return context

    def post(self, request, org_slug: str):
        try:
            endpoint, raw = services.tracking_endpoint_issue(
                organization=self.organization, provider=request.POST.get("provider", ""),
                by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("tracking_webhook", args=[org_slug]))
        context = self.get_context_data()
        context.update(new_secret=raw, new_secret_provider=endpoint.provider)
        response = self.render_to_response(context)
        response["Cache-Control"] = "no-store"
        return response
