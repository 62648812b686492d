"""Base classes for every organization API route (/api/v1/o/<org_slug>/...).

The tenant middleware resolves the organization and the caller's role and runs the
request inside its tenant context; these bases hand it to the view as
`self.organization`. A viewset cannot override `get_queryset` (the hook is
`get_org_queryset`, whose result is filtered by organization again), so no route can
forget the scope."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import exceptions, generics, viewsets

from kolhub.models import Organization, Role, TenantModel


class OrganizationApiMixin:
    read_role = Role.VIEWER
    write_role = Role.MEMBER
    organization: Organization

    def handle_exception(self, exc):
        # DRF turns an exception into a 4xx response, so the tenant middleware would
        # commit whatever the request wrote before it: roll the request back instead.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)
        return super().handle_exception(exc)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        organization = getattr(request._request, "organization", None)
        if organization is None:
            # Fails closed if the route was mounted without an org_slug.
            raise exceptions.NotFound()
        self.organization = organization


class _ScopedQuerysetMixin:
    model: type[TenantModel]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or cls.__dict__.get("queryset") is not None:
            raise TypeError(
                f"{cls.__name__}: define get_org_queryset(organization), not get_queryset or "
                "queryset; the organization filter must not be skippable."
            )
        # URL parameters are named for what they hold (<int:creator_id>), never a bare
        # <pk>: the cross-tenant sweep fills each name with an object of that kind.
        if getattr(cls, "lookup_url_kwarg", None) in (None, "pk") and "model" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: set lookup_url_kwarg, e.g. 'creator_id'")

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must define get_org_queryset")

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation, no request
            return self.model.objects.none()
        queryset = self.get_org_queryset(self.organization)
        if not issubclass(queryset.model, TenantModel):
            raise TypeError(f"{queryset.model.__name__} is not a tenant model")
        return queryset.filter(organization=self.organization)


class OrganizationApiView(OrganizationApiMixin, generics.GenericAPIView):
    """For routes that are about the organization itself rather than a list of rows."""


class OrganizationViewSet(OrganizationApiMixin, _ScopedQuerysetMixin, viewsets.GenericViewSet):
    """Base for tenant-owned collections; add DRF's list/retrieve/... mixins as needed."""


class OrganizationReadOnlyViewSet(
    OrganizationApiMixin, _ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet
):
    pass
