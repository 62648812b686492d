"""Fixtures for tracking's tests."""

from __future__ import annotations

import pytest

from tests.tracking.shopify_server import FakeShopify


@pytest.fixture
def shopify(settings):
    """A local Shopify Admin GraphQL server; the client's base URL points at it and pages
    hold 3 orders, so a few orders make several pages."""
    with FakeShopify() as server:
        settings.SHOPIFY_ADMIN_URL = server.base_url
        settings.SHOPIFY_PAGE_SIZE = 3
        yield server


@pytest.fixture
def redis_client():
    """The click buffer's Redis, emptied of this test run's tracking keys (the buffer, the
    pending set, cached codes, dedupe marks). Modules that use it everywhere mark
    themselves `usefixtures("redis_client")`."""
    from tracking import clicks

    client = clicks._redis()
    for key in client.keys(clicks._key("*")):
        client.delete(key)
    return client
