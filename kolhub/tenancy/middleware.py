"""Resolves `/o/<org_slug>/…` and `/api/v1/o/<org_slug>/…`, checks who is asking, and runs
the rest of the request inside the organization's tenant context.

One place decides: a non-member (or a key of another organization) gets 404, an
anonymous browser is sent to log in, an anonymous API client gets 401, and a member
whose role is too low for the method gets 403 (membership is already known to them)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from kolhub.models import Role
from kolhub.selectors import api_key_authenticate, api_key_needs_touch, membership_list_for_user
from kolhub.services import api_key_touch
from kolhub.tenancy.context import dangerously_unscoped, tenant_context

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
API_PREFIX = "/api/"


def required_role(view_func, method: str) -> str:
    """The role a view needs for this method: `read_role` / `write_role` on the view
    class (or function); by default anyone may read and viewers may not write."""
    holder = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None) or view_func
    if method in SAFE_METHODS:
        return getattr(holder, "read_role", Role.VIEWER)
    return getattr(holder, "write_role", Role.MEMBER)


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None
        request.membership = None
        request.api_key = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.app_name == "admin":
            # Platform staff work across tenants in the admin, explicitly and only there.
            with dangerously_unscoped():
                return self.get_response(request)
        slug = match.kwargs.get("org_slug")
        if slug is None:
            return self.get_response(request)

        is_api = request.path_info.startswith(API_PREFIX)
        role = None
        organization = None
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            key = api_key_authenticate(request.META["HTTP_AUTHORIZATION"])
            if key is None:
                return api_error(401, "The API key is not valid, or it was revoked.")
            if key.organization.slug == slug:
                request.api_key = key
                organization, role = key.organization, key.role
        elif request.user.is_authenticated:
            request.user_memberships = membership_list_for_user(request.user)
            for membership in request.user_memberships:
                if membership.organization.slug == slug:
                    request.membership = membership
                    organization, role = membership.organization, membership.role
        elif is_api:
            return api_error(
                401, "Authentication required: log in, or send 'Authorization: Api-Key <key>'."
            )
        else:
            return redirect_to_login(request.get_full_path())

        if organization is None:
            # Missing and foreign look the same: nothing tells a non-member it exists.
            if is_api:
                return api_error(404, "Not found.")
            raise Http404("No such organization")

        needed = required_role(match.func, request.method)
        if not Role.at_least(role, needed):
            message = f"Your role ({role}) cannot do this; it needs {needed} or above."
            if is_api:
                return api_error(403, message)
            raise PermissionDenied(message)

        request.organization = organization
        request.org_role = role
        with tenant_context(organization):
            if request.api_key is not None and api_key_needs_touch(request.api_key):
                api_key_touch(organization=organization, key=request.api_key)
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Django turns a view's exception into a response before it reaches __call__, so
        # the tenant transaction would commit a half-done request: roll it back here.
        if getattr(request, "organization", None) is not None:
            transaction.set_rollback(True)
        return None


def api_error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Api-Key realm="api"'
    return response
