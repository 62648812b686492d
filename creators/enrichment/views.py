"""Creators → Integrations: the platform key, the refresh status and failures, and the
"Refresh now" action on an account. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView

from creators.enrichment import selectors, services
from creators.enrichment.forms import CredentialForm
from creators.models import Platform, SocialAccount
from kolhub.forms import add_service_errors
from kolhub.models import Role
from kolhub.tenancy.views import OrganizationMixin


def _integrations_url(organization) -> str:
    return reverse("creator_integrations", args=[organization.slug])


def _back(request, organization) -> str:
    """Where an action returns: the page it was posted from (the creator page, this one),
    when that is a page of this organization; otherwise the integrations page."""
    target = request.POST.get("next", "")
    if target.startswith(f"/o/{organization.slug}/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _integrations_url(organization)


class IntegrationsView(OrganizationMixin, FormView):
    """Everyone may see whether a key is set (and its last four characters); only admins
    change it."""

    template_name = "creators/enrichment/integrations.html"
    form_class = CredentialForm
    write_role = Role.ADMIN
    # The one adapter so far; a second platform gets a form section of its own.
    platform = Platform.YOUTUBE

    def _summary(self):
        summaries = selectors.credential_summary_list(organization=self.organization)
        return next(s for s in summaries if s.platform == self.platform)

    def get_initial(self):
        summary = self._summary()
        return {"base_url": summary.base_url, "stale_after_days": summary.stale_after_days}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["credential"] = self._summary()
        context["stale_count"] = selectors.stale_accounts(organization=self.organization).count()
        context["failures"] = selectors.refresh_failure_list(organization=self.organization)
        return context

    def form_valid(self, form):
        try:
            services.credential_save(organization=self.organization, platform=self.platform,
                                     **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "YouTube settings saved.")
        return HttpResponseRedirect(_integrations_url(self.organization))


class CredentialRemoveView(OrganizationMixin, View):
    write_role = Role.ADMIN

    def post(self, request, org_slug: str, platform: str):
        if not services.credential_delete(organization=self.organization, platform=platform):
            raise Http404("No such key")
        messages.success(request, "API key removed: those accounts are no longer refreshed.")
        return HttpResponseRedirect(_integrations_url(self.organization))


class StaleRefreshView(OrganizationMixin, View):
    def post(self, request, org_slug: str):
        queued = services.stale_refresh_enqueue(organization=self.organization)
        if queued:
            messages.success(request, f"Refreshing {queued} account{'s' if queued != 1 else ''}: "
                             "the figures update in a minute or two.")  # fmt: skip
        else:
            messages.info(request, "Every account is up to date; nothing to refresh.")
        return HttpResponseRedirect(_integrations_url(self.organization))


class AccountRefreshView(OrganizationMixin, View):
    def post(self, request, org_slug: str, account_id: int):
        try:
            account = services.account_refresh_request(
                organization=self.organization, account_id=account_id
            )
        except SocialAccount.DoesNotExist:
            # Missing and another organization's look the same.
            raise Http404("No such account") from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Refreshing {account}: the figures update in a moment.")
        return HttpResponseRedirect(_back(request, self.organization))
