"""Connecting a store (page and API), who may, what is never shown back, and promo codes
synced to the store as discount codes through discountCodeBasicCreate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.shipping.secrets import secret_decrypt
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tracking import services
from tracking.models import ConnectionStatus, StoreConnection, StoreDiscount, StoreDiscountStatus

from .shopify_server import SHOP, TOKEN
from .test_shopify_pull import connect

FORM = {"shop_domain": "https://Zebra-Store.myshopify.com/", "access_token": TOKEN,
        "webhook_secret": "app-secret-value"}  # fmt: skip


def test_an_admin_connects_a_store_and_sees_its_webhook_url(tenant_a):
    client = tenant_a.client(Role.ADMIN)
    response = client.post("/o/zebracorn-alpha/tracking/stores/", FORM)
    assert response.status_code == 302
    with tenant_a.context():
        connection = StoreConnection.objects.get()
    assert connection.shop_domain == SHOP
    assert TOKEN not in connection.access_token_encrypted
    assert secret_decrypt(connection.access_token_encrypted) == TOKEN
    assert secret_decrypt(connection.webhook_secret_encrypted) == "app-secret-value"
    page = client.get(response["Location"]).content.decode()
    assert f"/hooks/shopify/{connection.public_id}/" in page
    assert TOKEN not in page and "app-secret-value" not in page


@pytest.mark.parametrize("field,value", [("shop_domain", "zebra.example.com"),
                                         ("shop_domain", "evil.com/x.myshopify.com"),
                                         ("access_token", "has space")])  # fmt: skip
def test_bad_input_is_refused_with_the_field_named(tenant_a, field, value):
    response = tenant_a.client(Role.ADMIN).post(
        "/o/zebracorn-alpha/tracking/stores/", {**FORM, field: value}
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with tenant_a.context():
        assert not StoreConnection.objects.exists()


def test_members_cannot_see_or_change_store_credentials(tenant_a):
    connection = connect(tenant_a)
    member = tenant_a.client(Role.MEMBER)
    assert member.get("/o/zebracorn-alpha/tracking/stores/").status_code in (403, 404)
    assert member.post(f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/disconnect/")\
        .status_code in (403, 404)  # fmt: skip
    assert member.get("/api/v1/o/zebracorn-alpha/stores/").status_code in (403, 404)


def test_the_api_connects_lists_and_never_returns_the_token(tenant_a):
    client = tenant_a.client(Role.OWNER)
    response = client.post(
        "/api/v1/o/zebracorn-alpha/stores/", FORM, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["shop_domain"] == SHOP and body["webhook_url"].endswith("/")
    listing = client.get("/api/v1/o/zebracorn-alpha/stores/").content.decode()
    for text in (response.content.decode(), listing):
        assert TOKEN not in text and "app-secret-value" not in text and "encrypted" not in text
    bad = client.post("/api/v1/o/zebracorn-alpha/stores/", {**FORM, "shop_domain": "nope.com"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "shop_domain" in bad.json()["errors"]


def test_disconnect_erases_the_credentials_and_pull_now_is_refused(tenant_a):
    connection = connect(tenant_a)
    client = tenant_a.client(Role.OWNER)
    url = f"/api/v1/o/zebracorn-alpha/stores/{connection.pk}"
    assert client.post(f"{url}/disconnect/").json()["status"] == "disconnected"
    with tenant_a.context():
        stored = StoreConnection.objects.get()
    assert stored.access_token_encrypted == "" and stored.webhook_secret_encrypted == ""
    assert client.post(f"{url}/pull/").status_code == 400


def test_pull_now_from_the_page_pulls_the_store(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    from .shopify_server import order_node
    from .test_shopify_pull import at

    shopify.orders = [order_node(1, updated_at=at(1))]
    connection = connect(tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_a.client(Role.ADMIN).post(
            f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/pull/"
        )
    assert response.status_code == 302
    with tenant_a.context():
        assert StoreConnection.objects.get().last_pulled_at is not None


def _promo(tenant, code: str, *, kind="percent", value=Decimal("15")):
    with tenant.context():
        campaign = make_campaign(tenant.organization, name="Zebra sync campaign")
        collaboration = make_collaboration(tenant.organization, campaign)
        return services.promo_code_create(tenant.organization, collaboration=collaboration,
                                          code=code, discount_kind=kind, discount_value=value)  # fmt: skip


def test_a_new_promo_code_is_created_in_a_syncing_store(
    tenant_a,
    shopify,
    django_capture_on_commit_callbacks,
):
    connect(tenant_a, sync_discount_codes=True)
    with django_capture_on_commit_callbacks(execute=True):
        promo = _promo(tenant_a, "ZEBRA15")
    [sent] = shopify.discount_inputs
    assert sent["code"] == "ZEBRA15" and "ZEBRA15" in sent["title"]
    assert sent["customerGets"] == {"value": {"percentage": 0.15}, "items": {"all": True}}
    assert sent["context"] == {"all": "ALL"} and sent["appliesOncePerCustomer"] is True
    with tenant_a.context():
        synced = StoreDiscount.objects.get(promo_code=promo)
    assert synced.status == StoreDiscountStatus.CREATED
    assert synced.store_discount_id == "gid://shopify/DiscountCodeNode/9001"


def test_the_stores_user_errors_are_kept_on_the_sync(
    tenant_a,
    shopify,
    django_capture_on_commit_callbacks,
):
    connect(tenant_a, sync_discount_codes=True)
    shopify.discount_user_errors = [{"field": ["basicCodeDiscount", "code"], "code": "TAKEN",
                                     "message": "Code must be unique."}]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _promo(tenant_a, "ZEBRA20", kind="amount", value=Decimal("10.00"))
    assert shopify.discount_inputs[0]["customerGets"]["value"] == {
        "discountAmount": {"amount": "10.00", "appliesOnEachItem": False}}  # fmt: skip
    with tenant_a.context():
        synced = StoreDiscount.objects.get()
    assert synced.status == StoreDiscountStatus.FAILED
    assert synced.errors == "basicCodeDiscount.code: Code must be unique."


def test_no_sync_without_the_switch(tenant_a, shopify, django_capture_on_commit_callbacks):
    connect(tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        _promo(tenant_a, "ZEBRA30")
    assert shopify.discount_inputs == []
    with tenant_a.context():
        assert not StoreDiscount.objects.exists()


def test_a_failed_code_is_retried_from_the_store_page_and_the_api(
    tenant_a,
    shopify,
    django_capture_on_commit_callbacks,
):
    connection = connect(tenant_a, sync_discount_codes=True)
    shopify.discount_user_errors = [{"field": ["basicCodeDiscount", "code"], "code": "TAKEN",
                                     "message": "Code must be unique."}]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _promo(tenant_a, "ZEBRA40")
    with tenant_a.context():
        synced = StoreDiscount.objects.get()
    assert synced.status == StoreDiscountStatus.FAILED
    client = tenant_a.client(Role.ADMIN)
    page = client.get(f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/").content.decode()
    retry = f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/discounts/{synced.pk}/retry/"
    assert f'action="{retry}"' in page

    # The marketer freed the code in the store; the retry asks again and it is created.
    shopify.discount_user_errors = []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    with tenant_a.context():
        synced.refresh_from_db()
    assert synced.status == StoreDiscountStatus.CREATED and synced.attempts == 2
    assert synced.errors == "" and len(shopify.discount_inputs) == 2
    assert f'action="{retry}"' not in client.get(response["Location"]).content.decode()

    # A created code is not sent again: the API says why.
    api = f"/api/v1/o/zebracorn-alpha/stores/{connection.pk}/discounts/{synced.pk}/retry/"
    response = client.post(api)
    assert response.status_code == 400
    assert "only a failed code" in response.json()["detail"]
    assert len(shopify.discount_inputs) == 2
    assert (
        client.post(
            f"/api/v1/o/zebracorn-alpha/stores/{connection.pk}/discounts/999999/retry/"
        ).status_code
        == 404
    )
    assert tenant_a.client(Role.MEMBER).post(retry).status_code in (403, 404)


def _codes(tenant, *codes: str) -> dict:
    """Promo codes (15% off) of one creator, by code."""
    with tenant.context():
        campaign = make_campaign(tenant.organization, name="Zebra backfill campaign")
        collaboration = make_collaboration(tenant.organization, campaign)
        return {code: services.promo_code_create(
            tenant.organization, collaboration=collaboration, code=code,
            discount_kind="percent", discount_value=Decimal("15"))
            for code in codes}  # fmt: skip


def _synced(tenant) -> dict:
    with tenant.context():
        return {d.promo_code.code: d.status
                for d in StoreDiscount.objects.select_related("promo_code")}  # fmt: skip


def test_turning_sync_on_creates_the_codes_made_before(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    promos = _codes(tenant_a, "ZEBRA50", "ZEBRA52")
    with tenant_a.context():
        services.promo_code_active_set(tenant_a.organization, promo_code=promos["ZEBRA52"],
                                       active=False)  # fmt: skip
    # Connecting a store with the sync on creates the active codes that already exist.
    with django_capture_on_commit_callbacks(execute=True):
        connection = connect(tenant_a, sync_discount_codes=True)
    assert [d["code"] for d in shopify.discount_inputs] == ["ZEBRA50"]
    assert _synced(tenant_a) == {"ZEBRA50": StoreDiscountStatus.CREATED}

    # Off, a code is made; on again from the store page: that code is created, the one
    # already in the store is not sent twice.
    client = tenant_a.client(Role.ADMIN)
    sync = f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/sync/"
    assert client.post(sync).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _codes(tenant_a, "ZEBRA51")
    assert len(shopify.discount_inputs) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(sync, {"sync_discount_codes": "on"}).status_code == 302
    assert [d["code"] for d in shopify.discount_inputs] == ["ZEBRA50", "ZEBRA51"]
    assert _synced(tenant_a) == {"ZEBRA50": StoreDiscountStatus.CREATED,
                                 "ZEBRA51": StoreDiscountStatus.CREATED}  # fmt: skip


def test_deactivating_a_synced_code_switches_it_off_in_the_store(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    connection = connect(tenant_a, sync_discount_codes=True)
    with django_capture_on_commit_callbacks(execute=True):
        promo = _codes(tenant_a, "ZEBRA60")["ZEBRA60"]
    with tenant_a.context():
        synced = StoreDiscount.objects.get()
    node_id = synced.store_discount_id
    assert shopify.discounts[node_id] == {"code": "ZEBRA60", "status": "ACTIVE"}

    def active_set(active: bool) -> None:
        with django_capture_on_commit_callbacks(execute=True), tenant_a.context():
            services.promo_code_active_set(tenant_a.organization, promo_code=promo,
                                           active=active)  # fmt: skip

    active_set(False)
    assert shopify.requests[-1]["variables"] == {"id": node_id}
    assert "discountCodeDeactivate(id: $id)" in shopify.requests[-1]["query"]
    assert shopify.discounts[node_id]["status"] == "EXPIRED"
    assert _synced(tenant_a) == {"ZEBRA60": StoreDiscountStatus.DEACTIVATED}

    # Back on here, back on in the store (the same discount, not a second one).
    active_set(True)
    assert shopify.discounts[node_id]["status"] == "ACTIVE"
    assert _synced(tenant_a) == {"ZEBRA60": StoreDiscountStatus.CREATED}
    assert len(shopify.discount_inputs) == 1

    # The store refuses: the error is kept on the row and the retry button asks again.
    shopify.active_set_user_errors = [{"field": ["id"], "code": "INTERNAL_ERROR",
                                       "message": "Try again later."}]  # fmt: skip
    active_set(False)
    with tenant_a.context():
        synced.refresh_from_db()
    assert synced.status == StoreDiscountStatus.FAILED
    assert synced.errors == "id: Try again later."
    assert shopify.discounts[node_id]["status"] == "ACTIVE"
    shopify.active_set_user_errors = []
    client = tenant_a.client(Role.ADMIN)
    retry = f"/o/zebracorn-alpha/tracking/stores/{connection.pk}/discounts/{synced.pk}/retry/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    assert shopify.discounts[node_id]["status"] == "EXPIRED"
    assert _synced(tenant_a) == {"ZEBRA60": StoreDiscountStatus.DEACTIVATED}


def test_a_code_switched_off_while_the_store_was_failing_follows_on_reconnect(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    connection = connect(tenant_a, sync_discount_codes=True)
    with django_capture_on_commit_callbacks(execute=True):
        promo = _codes(tenant_a, "ZEBRA70")["ZEBRA70"]
    [node_id] = shopify.discounts
    with tenant_a.context():
        # The token was revoked: the connection waits for a person.
        StoreConnection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True), tenant_a.context():
        services.promo_code_active_set(tenant_a.organization, promo_code=promo, active=False)
    assert shopify.discounts[node_id]["status"] == "ACTIVE"  # nothing sent to a failed store

    # Reconnected (even with the sync of new codes off), the store catches up.
    with django_capture_on_commit_callbacks(execute=True):
        connect(tenant_a)
    assert shopify.discounts[node_id]["status"] == "EXPIRED"
    assert _synced(tenant_a) == {"ZEBRA70": StoreDiscountStatus.DEACTIVATED}
