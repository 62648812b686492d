"""The hosted landing page, /l/<slug>/, outside /o/: anyone may open it.

The slug is looked up in the platform-level register (LandingPageSlug, the one query made
before the tenant is known); then everything else — reading the page, recording the
lead, rendering — runs inside that organization's tenant_context (transaction, scope,
database role), so the page can reach only its own organization's rows, and shows only
its own fields and the creator's public face."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views import View

from kolhub.tenancy.context import tenant_context
from tracking import selectors, services, spam
from tracking.forms import LeadForm
from tracking.services import UTM_FIELDS, LeadInput

CARRIED = ("platform", "kh_click", *UTM_FIELDS)


class LandingPageView(View):
    template_name = "tracking/landing.html"

    def dispatch(self, request, slug: str):
        entry = selectors.landing_page_register_get(slug=slug)
        if entry is None:
            raise Http404("No such page")
        with tenant_context(entry.organization):
            try:
                self.page = selectors.landing_page_public_get(
                    organization=entry.organization, landing_page_id=entry.landing_page_id
                )
            except ObjectDoesNotExist:
                raise Http404("No such page") from None
            self.organization = entry.organization
            response = super().dispatch(request, slug)
            if hasattr(response, "render"):
                response.render()  # inside the tenant context, not after it
            return response

    def _render(self, request, form, status=200, **extra):
        creator = self.page.collaboration.creator
        context = {
            "page": self.page,
            "creator": creator,
            "brand_name": self.organization.name,
            "form": form,
            "carried": {key: form[key].value() or "" for key in CARRIED},
            **extra,
        }
        response = render(request, self.template_name, context, status=status)
        response["X-Robots-Tag"] = "noindex"
        return response

    def get(self, request, slug: str):
        # Hidden fields carry the visit's query string (utm_*, kh_click, platform) into the post.
        initial = {key: request.GET.get(key, "")[:200] for key in CARRIED}
        return self._render(request, LeadForm(initial=initial))

    def post(self, request, slug: str):
        if spam.lead_rate_limited(request):
            return self._render(
                request,
                LeadForm(request.POST),
                status=429,
                refused="Too many sign-ups from your connection; try again in an hour.",
            )
        form = LeadForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        if data.get("website"):
            # A bot filled the hidden field: answer as if it worked, store nothing.
            return self._render(request, LeadForm(), thanks=True)
        try:
            services.lead_submit(
                self.organization,
                landing_page=self.page,
                data=LeadInput(
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    consent=bool(data.get("consent")),
                    platform=data.get("platform", ""),
                    click_id=data.get("kh_click", ""),
                    utms={key: data.get(key, "") for key in UTM_FIELDS},
                ),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field, messages)
            return self._render(request, form, status=400)
        return self._render(request, LeadForm(), thanks=True)
