"""The view side of tenancy: brand pages under /o/<org_slug>/ derive from
OrganizationMixin. The middleware has already checked membership and the role for the
method; the mixin exposes the result and declares what the view needs."""

from __future__ import annotations

from django.http import HttpRequest

from kolhub.models import Membership, Organization, Role


class OrganizationMixin:
    #: Role needed to GET; the tenant middleware enforces both before the view runs.
    read_role: str = Role.VIEWER
    #: Role needed to POST/PUT/PATCH/DELETE.
    write_role: str = Role.MEMBER

    request: HttpRequest

    @property
    def organization(self) -> Organization:
        return self.request.organization

    @property
    def membership(self) -> Membership:
        return self.request.membership

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context
