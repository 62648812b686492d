"""API authentication. The tenant middleware has already matched an API key to the URL's
organization (kolhub/tenancy/middleware.py); these classes hand that result to DRF."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from kolhub.models import ApiKey
from kolhub.selectors import api_key_authenticate


class ApiKeyPrincipal:
    """Stands in for request.user when a machine calls with an organization API key."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, key: ApiKey) -> None:
        self.key = key
        self.organization = key.organization
        self.email = ""

    def __str__(self) -> str:
        return f"API key {self.key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        key = getattr(request._request, "api_key", None)
        if key is not None:
            return ApiKeyPrincipal(key), key
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        key = api_key_authenticate(header)
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is not valid, or it was revoked.")
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes ApiKeyAuthentication."""

    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organization API key: `Api-Key kh_<prefix>_<secret>`. "
            "Create one under Settings → API keys.",
        }
