"""The portal's home for one brand, the creator's payments, claiming the portal with an
account, and an account's collaborations across brands."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views import View
from django.views.generic import TemplateView

from campaigns import selectors, services
from kolhub.tenancy.context import tenant_context
from portal.access import TOKEN, PortalMixin, private
from portal.guidance import next_action
from portal.views.contracts import mark_contracts_to_sign


class HomeView(PortalMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal = self.portal
        rows = selectors.portal_collaboration_list(organization=portal.organization,
                                                   creator=portal.creator)  # fmt: skip
        mark_contracts_to_sign(portal, rows)
        for row in rows:
            row.next = next_action(row, portal.organization.name)
        rows.sort(key=lambda r: not r.next.needs_you)
        claim = selectors.portal_claim_get(organization=portal.organization,
                                           creator=portal.creator)  # fmt: skip
        user = self.request.user
        context.update(
            collaborations=rows,
            claim=claim,
            claimed_by_you=bool(claim and user.is_authenticated and claim.user_id == user.pk),
            can_claim=portal.mode == TOKEN and claim is None,
        )
        return context


class PaymentsView(PortalMixin, TemplateView):
    template_name = "portal/payments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portal = self.portal
        context["payments"] = list(
            selectors.creator_payments(organization=portal.organization, creator=portal.creator)
        )
        return context


class ClaimView(PortalMixin, View):
    """Link the logged-in account to the creator of this link (POST only)."""

    def post(self, request, **route):
        portal = self.portal
        home = portal.url("home")
        if not request.user.is_authenticated:
            return HttpResponseRedirect(home)
        try:
            services.portal_claim(organization=portal.organization, creator=portal.creator,
                                  user=request.user, token=portal.token)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Linked. Log in any time to see your collaborations with "
                f"{portal.organization.name} (and any other brand you link) at /p/.",
            )  # fmt: skip
        return HttpResponseRedirect(home)


class AccountView(LoginRequiredMixin, TemplateView):
    """/p/ for a logged-in creator: their collaborations with every brand that linked
    them, one organization's context at a time."""

    template_name = "portal/account.html"

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        brands = selectors.portal_account_overview(user=self.request.user)
        for brand in brands:
            with tenant_context(brand.organization):
                mark_contracts_to_sign(brand, brand.collaborations)
            for row in brand.collaborations:
                row.next = next_action(row, brand.organization.name)
        context["brands"] = brands
        return context
