"""The cross-tenant sweep: every route under /o/<org_slug>/ and /api/, found through the
URL resolver (not a hand-kept list), requested as an anonymous visitor, as a member of
another organization, and with another organization's API key. Expected: a login
redirect, 401 or 404, and never a byte of organization A's data.

A route with a path parameter the sweep does not know how to fill fails the test. Each app
teaches the sweep its parameters in a `tests/<app>/sweep_*.py` module whose
`values(tenant) -> dict` makes organization A's objects and returns
{param_name: value, ..., "secrets": [strings that must never appear in a response]}."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kolhub import services
from kolhub.models import Role
from tests.tenant_world import a_world

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "patch", "delete"]
SWEPT_PREFIXES = ("o/", "api/")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(patterns, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def swept_routes() -> list[str]:
    routes = sorted({r for r in walk(get_resolver().url_patterns) if r.startswith(SWEPT_PREFIXES)})
    assert any(r.startswith("o/") for r in routes) and any(r.startswith("api/") for r in routes)
    return routes


def fill(route: str, values: dict) -> str:
    if route.startswith("^") or "(?P" in route:
        pytest.fail(f"route {route!r} uses a regex; the sweep fills only path() converters")

    def one(match: re.Match) -> str:
        name = match.group("name")
        if name not in values:
            pytest.fail(
                f"the sweep cannot fill <{name}> in {route!r}: return a value for it from "
                "values() in a tests/<app>/sweep_*.py module"
            )
        return str(values[name])

    return "/" + PARAM.sub(one, route)


def markers_of(tenant, values) -> list[str]:
    people = [tenant.owner, tenant.admin, tenant.member, tenant.viewer]
    return [
        tenant.organization.name,
        tenant.organization.slug,
        *[p.email for p in people],
        *[p.first_name for p in people],
        *values["secrets"],
    ]


def assert_no_leak(response, markers: list[str], url: str, who: str) -> None:
    body = response.content.decode(errors="replace")
    location = response.get("Location", "")
    for marker in markers:
        # A login redirect carries the requested path in ?next=, which is the visitor's
        # own input; anything else in a response must not mention A.
        assert marker not in body, f"{who} {url}: response body contains {marker!r}"
        if marker not in url:
            assert marker not in location, f"{who} {url}: redirect contains {marker!r}"


def test_sweep_every_tenant_route(tenant_a, tenant_b):
    values = a_world(tenant_a)
    markers = markers_of(tenant_a, values)
    outsider = tenant_b.client(Role.OWNER)  # the most powerful role B has
    with tenant_b.context():
        _, b_key = services.api_key_create(
            organization=tenant_b.organization,
            actor=tenant_b.memberships[Role.OWNER],
            name="B key",
            role="member",
        )
    anonymous = Client()
    keyed = Client(HTTP_AUTHORIZATION=f"Api-Key {b_key}")
    checked = 0
    for route in swept_routes():
        url = fill(route, values)
        is_api = route.startswith("api/")
        org_route = "<slug:org_slug>" in route
        for method in METHODS:
            response = getattr(anonymous, method)(url)
            if is_api:
                assert response.status_code in (401, 403), (method, url, response.status_code)
                assert response.status_code == 401 or not org_route, (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response["Location"].startswith("/accounts/login/"), (method, url)
            assert_no_leak(response, markers, url, f"anonymous {method}")

            for who, client in (("member of B", outsider), ("B's API key", keyed)):
                if who == "B's API key" and not is_api:
                    continue
                response = getattr(client, method)(url)
                if org_route:
                    assert response.status_code == 404, (who, method, url, response.status_code)
                assert_no_leak(response, markers, url, f"{who} {method}")
                checked += 1
    assert checked > 20


def test_sweep_refuses_a_route_it_cannot_fill():
    with pytest.raises(pytest.fail.Exception, match="cannot fill <campaign_id>"):
        fill("o/<slug:org_slug>/campaigns/<int:campaign_id>/", {"org_slug": "x"})


def test_members_get_their_own_routes(tenant_a):
    """The other side of the sweep: the same URLs work for A's own owner (so a 404 above
    means isolation, not a broken route)."""
    values = a_world(tenant_a)
    client = tenant_a.client(Role.OWNER)
    for route in swept_routes():
        if "<slug:org_slug>" not in route:
            continue
        url = fill(route, values)
        response = client.get(url)
        assert response.status_code in (200, 405), (url, response.status_code)
