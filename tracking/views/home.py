"""The Tracking home (/o/<org>/tracking/), where the main navigation's "Tracking" lands:
where conversions come from (stores, the postback, CSV imports), each live campaign with
its tracking pages and headline figures, and the newest conversions with their credit.
Thin: one selector, render. Links to admin-only pages are shown to admins only (the
template reads `can_admin`); the pages themselves enforce the role."""

from __future__ import annotations

from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin
from tracking.selectors.home import tracking_home


class TrackingHomeView(OrganizationMixin, TemplateView):
    template_name = "tracking/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = tracking_home(organization=self.organization)
        return context
