"""Brand pages for promo codes, landing pages and leads, under
/o/<org>/tracking/campaigns/<campaign_id>/. Thin: parse, call a service or selector,
render or redirect. The collaboration page shows its part through
{% collaboration_tracking_panel %} (tracking.templatetags.tracking_tags).

Tracking links on the collaboration page (create, delete, QR download) and the public
/r/<code> redirect."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors as campaign_selectors
from campaigns.views.campaigns import CampaignMixin, CollaborationActionView, back_to, get_or_404
from campaigns.views.collaboration import collaboration_url
from kolhub.tenancy.views import OrganizationMixin
from tracking import links, selectors, services
from tracking.clicks import Visit, resolve_code, visit_link
from tracking.exports import leads_csv
from tracking.forms import LandingPageForm, PromoCodeForm


def _collaborations(organization, campaign) -> list:
    return list(
        campaign_selectors.collaboration_queryset(organization=organization).filter(
            campaign=campaign
        )
    )


def promo_code_form(organization, campaign, data=None, collaborations=None) -> PromoCodeForm:
    return PromoCodeForm(
        data, collaborations=collaborations or _collaborations(organization, campaign)
    )


def landing_page_form(organization, campaign, data=None, collaborations=None) -> LandingPageForm:
    return LandingPageForm(
        data,
        collaborations=collaborations or _collaborations(organization, campaign),
        products=list(campaign.products.all()),
        codes=selectors.promo_code_list(organization=organization, campaign=campaign),
    )


def _errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for msgs in error.message_dict.values() for m in msgs)
    return " ".join(error.messages)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label or f}: {' '.join(e)}" if f in form.fields else " ".join(e)
        for f, e in form.errors.items()
    )


class CampaignTrackingView(CampaignMixin, TemplateView):
    """A campaign's promo codes, landing pages and lead counts per creator."""

    template_name = "tracking/campaign.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, campaign = self.organization, self.campaign()
        collaborations = _collaborations(org, campaign)
        counts = selectors.lead_counts_by_collaboration(organization=org, campaign=campaign)
        context.update(self.campaign_context())
        context.update(
            tab="tracking",
            codes=selectors.promo_code_list(organization=org, campaign=campaign),
            pages=selectors.landing_page_list(organization=org, campaign=campaign),
            creators=[(c, counts.get(c.pk, 0)) for c in collaborations],
            lead_total=sum(counts.values()),
            code_form=promo_code_form(org, campaign, collaborations=collaborations),
            page_form=landing_page_form(org, campaign, collaborations=collaborations),
        )
        return context


class _CampaignPostView(CampaignMixin, View):
    http_method_names = ["post", "options"]

    def fallback(self) -> str:
        return reverse("campaign_tracking", args=[self.kwargs["org_slug"], self.campaign().pk])

    def collaboration(self, collaboration_id: int):
        return get_or_404(
            campaign_selectors.collaboration_get,
            organization=self.organization,
            collaboration_id=collaboration_id,
            campaign=self.campaign(),
        )


class PromoCodeCreateView(_CampaignPostView):
    def post(self, request, org_slug: str, campaign_id: int):
        form = promo_code_form(self.organization, self.campaign(), request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(back_to(request, self.fallback()))
        data = form.cleaned_data
        try:
            promo = services.promo_code_create(
                self.organization,
                collaboration=self.collaboration(data["collaboration"]),
                code=data["code"],
                discount_kind=data["discount_kind"] or "",
                discount_value=data["discount_value"],
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"Promo code {promo.code} created.")
        return HttpResponseRedirect(back_to(request, self.fallback()))


class PromoCodeActiveView(_CampaignPostView):
    def post(self, request, org_slug: str, campaign_id: int, promo_code_id: int):
        promo = get_or_404(
            selectors.promo_code_get,
            organization=self.organization,
            promo_code_id=promo_code_id,
            campaign=self.campaign(),
        )
        active = request.POST.get("active") == "1"
        services.promo_code_active_set(self.organization, promo_code=promo, active=active)
        messages.success(request, f"{promo.code} is now {'active' if active else 'inactive'}.")
        return HttpResponseRedirect(back_to(request, self.fallback()))


class LandingPageCreateView(_CampaignPostView):
    def post(self, request, org_slug: str, campaign_id: int):
        org, campaign = self.organization, self.campaign()
        form = landing_page_form(org, campaign, request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(back_to(request, self.fallback()))
        data = form.cleaned_data
        try:
            product = campaign.products.get(pk=data["product"]) if data["product"] else None
            code = (
                selectors.promo_code_get(
                    organization=org, promo_code_id=data["promo_code"], campaign=campaign
                )
                if data["promo_code"]
                else None
            )
            page = services.landing_page_create(
                org,
                collaboration=self.collaboration(data["collaboration"]),
                headline=data["headline"],
                quote=data["quote"],
                consent_text=data["consent_text"],
                product=product,
                promo_code=code,
                slug=data["slug"],
            )
        except ObjectDoesNotExist:
            messages.error(request, "Choose a product and a code of this campaign.")
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"Landing page /l/{page.slug}/ created.")
        return HttpResponseRedirect(back_to(request, self.fallback()))


class LeadListView(CampaignMixin, TemplateView):
    template_name = "tracking/leads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.campaign_context())
        context.update(
            tab="tracking",
            leads=selectors.lead_list(organization=self.organization, campaign=self.campaign()),
        )
        return context


class LeadExportView(CampaignMixin, View):
    def get(self, request, org_slug: str, campaign_id: int):
        campaign = self.campaign()
        leads = selectors.lead_list(organization=self.organization, campaign=campaign)
        response = HttpResponse(leads_csv(leads), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="leads-{campaign.slug}.csv"'
        return response


log = logging.getLogger(__name__)


def redirect_view(request, code: str):
    """Public, no tenant: the code is looked up in the platform-level register."""
    try:
        visit = visit_link(request, code)
    except Exception:  # noqa: BLE001 — a valid code always redirects, counted or not
        log.exception("tracking: click on %s not recorded", code)
        target = resolve_code(code)
        visit = target and Visit(url=target["url"], click_id="")
    if visit is None:
        return render(request, "tracking/link_not_found.html", status=404)
    url = links.with_click_id(visit.url, visit.click_id) if visit.click_id else visit.url
    response = HttpResponseRedirect(url)
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
