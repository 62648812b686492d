"""The Tracking home (/o/<org>/tracking/, `tracking_index`), where the main navigation's
"Tracking" lands: data sources (stores, postback, CSV imports), campaigns with their
tracking pages and headline figures, the newest conversions; links to admin-only pages
for admins only; another organization's home is a 404 and shows none of A's rows; the
query count does not grow with the rows. And the postback docs page it links to."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from kolhub.models import Role
from tests.campaigns.factories import make_campaign
from tests.tracking.results_world import credit, order, results_world, rollup
from tracking.models import OrderImport, StoreConnection
from tracking.services import postback as postback_services

pytestmark = pytest.mark.django_db


def _store(org, domain, **fields) -> StoreConnection:
    return StoreConnection.objects.create(
        organization=org, shop_domain=domain, access_token_encrypted="x",
        public_id=domain.split(".")[0].replace("-", "")[:32], **fields,
    )  # fmt: skip


def _import(org, name, minutes_ago, **fields) -> OrderImport:
    made = OrderImport.objects.create(organization=org, file=f"order-imports/{name}",
                                      original_name=name, **fields)  # fmt: skip
    # created_at is auto_now_add: set the order the list reads by hand.
    OrderImport.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return made


def _home(client, org):
    return client.get(reverse("tracking_index", args=[org.slug]))


def test_home_shows_sources_campaigns_and_recent_conversions(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        archived = make_campaign(org, name="Old archived push", currency="USD")
        Campaign.objects.filter(pk=archived.pk).update(status="archived")
        failing = _store(org, "glow-shop.myshopify.com", status="failed",
                         last_error="Shopify answered 401: the access token was revoked",
                         last_pulled_at=timezone.now() - datetime.timedelta(hours=2))  # fmt: skip
        _store(org, "gone-shop.myshopify.com", status="disconnected")
        postback_services.postback_credential_rotate(organization=org, by=tenant_a.owner)
        for n, minutes in enumerate((40, 30, 20, 10)):
            _import(org, f"orders-{n}.csv", minutes, status="done", created_count=7 + n,
                    updated_count=2, unchanged_count=1, error_count=n)  # fmt: skip
        credited = order(org, "#1001", codes=["ALICE10"], total="80.00")
        credit(org, credited, world.alice, rule="code", revenue="80.00")
        loose = order(org, "#1002", total="20.00")
    body = _home(tenant_a.client(Role.ADMIN), org).content.decode()
    assert "This section is being built" not in body

    # Data sources: the live store with its state, not the disconnected one.
    assert "glow-shop.myshopify.com" in body and "gone-shop.myshopify.com" not in body
    assert "Stopped: needs attention" in body
    assert "Shopify answered 401: the access token was revoked" in body
    assert "2\xa0hours ago" in body
    assert f'href="{reverse("store_detail", args=[org.slug, failing.pk])}"' in body
    assert f'href="{reverse("store_list", args=[org.slug])}"' in body
    assert "Set up: signed postbacks with key <code>pb_" in body
    assert f'href="{reverse("postback_settings", args=[org.slug])}"' in body
    assert f'href="{reverse("postback_docs", args=[org.slug])}"' in body
    assert f'href="{reverse("order_imports", args=[org.slug])}"' in body
    # The last three imports, newest first, with their counts; the oldest is not shown.
    assert "orders-0.csv" not in body
    assert body.index("orders-3.csv") < body.index("orders-2.csv") < body.index("orders-1.csv")
    assert "10 new, 2 updated, 1 unchanged, 3 with errors" in body

    # Campaigns: tracking pages and headline figures from the rollups.
    args = [org.slug, world.campaign.pk]
    for name in ("campaign_results", "campaign_tracking", "campaign_metrics", "campaign_reports"):
        assert f'href="{reverse(name, args=args)}"' in body, name
    assert 'data-kpi="clicks">150<' in body
    assert 'data-kpi="conversions">5<' in body
    assert 'data-kpi="revenue">500.00 USD<' in body
    assert "Old archived push" not in body

    # Recent conversions with the standing credit, each linking to "why this credit".
    assert f'href="{reverse("conversion_detail", args=[org.slug, credited.pk])}">#1001<' in body
    assert f'href="{reverse("conversion_detail", args=[org.slug, loose.pk])}">#1002<' in body
    row = body[body.index(f'data-conversion="{credited.pk}"') :]
    assert "Alice Derm" in row[: row.index("</tr>")]
    assert "Creator&#x27;s promo code on the order" in row[: row.index("</tr>")]
    row = body[body.index(f'data-conversion="{loose.pk}"') :]
    assert "Unattributed" in row[: row.index("</tr>")]
    assert f'href="{reverse("conversion_list", args=[org.slug])}"' in body


def test_home_counts_leads_for_lead_generation_and_keeps_other_currencies_apart(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org, name="Sign-up drive", objective="lead_generation")
        rollup(org, world.bob, world.day, leads=7)
        rollup(org, world.alice, world.day, currency="EUR", revenue=Decimal("20.00"))
    body = _home(tenant_a.client(Role.VIEWER), org).content.decode()
    assert 'data-kpi="conversions">7<' in body  # leads, not the 5 orders
    assert "+ 20.00 EUR" in body and 'data-kpi="revenue">500.00 USD<' in body


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_home_shows_admin_only_links_to_admins_only(tenant_a, role):
    org = tenant_a.organization
    with tenant_a.context():
        store = _store(org, "glow-shop.myshopify.com")
        postback_services.postback_credential_rotate(organization=org, by=tenant_a.owner)
    client = tenant_a.client(role)
    body = _home(client, org).content.decode()
    # They still see that the sources exist and how they are doing.
    assert "glow-shop.myshopify.com" in body and "Connected" in body
    assert "Set up: signed postbacks" in body and "pb_" not in body
    assert f'href="{reverse("postback_docs", args=[org.slug])}"' in body
    for url in (reverse("store_list", args=[org.slug]),
                reverse("store_detail", args=[org.slug, store.pk]),
                reverse("postback_settings", args=[org.slug])):  # fmt: skip
        assert f'href="{url}"' not in body
        # The page is theirs to be refused: a link to it would be a dead end.
        assert client.get(url).status_code == 403
    wording = "Import orders from a CSV" if role == Role.MEMBER else "Past order imports"
    assert wording in body


def test_home_is_where_the_navigation_goes_and_empty_states_read_right(tenant_a):
    org = tenant_a.organization
    client = tenant_a.client(Role.ADMIN)
    url = reverse("tracking_index", args=[org.slug])
    dashboard = client.get(reverse("dashboard", args=[org.slug])).content.decode()
    assert f'href="{url}"' in dashboard
    body = client.get(url).content.decode()
    assert 'aria-current="page"' in body
    assert "No store connected." in body and "Connect a Shopify store" in body
    assert "No postback secret yet." in body and "Create the postback secret" in body
    assert "No orders imported from a file yet." in body
    assert "No campaigns yet" in body and "No conversions yet" in body


def test_home_shows_the_25_newest_conversions(tenant_a):
    org = tenant_a.organization
    start = timezone.now() - datetime.timedelta(days=3)
    with tenant_a.context():
        for n in range(27):
            order(org, f"#N{n:03d}", at=start + datetime.timedelta(minutes=n))
    body = _home(tenant_a.client(Role.VIEWER), org).content.decode()
    assert body.count("data-conversion=") == 25
    assert "#N026" in body and "#N002" in body
    assert "#N001" not in body and "#N000" not in body
    assert body.index("#N026") < body.index("#N025")


def test_other_orgs_home_not_accessible(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        _store(org, "zebracorn-shop.myshopify.com", last_error="zebracorn token expired")
        _import(org, "zebracorn-orders.csv", 5)
        credit(org, order(org, "#ZEBRA-1"), world.alice)
    outsider = tenant_b.client(Role.OWNER)
    assert _home(outsider, org).status_code == 404
    own = _home(outsider, tenant_b.organization)
    assert own.status_code == 200
    body = own.content.decode()
    for marker in ("zebracorn-shop", "zebracorn token", "zebracorn-orders.csv", "#ZEBRA-1",
                   "Glow launch", "Alice Derm", "500.00 USD"):  # fmt: skip
        assert marker not in body, marker


def test_home_query_count_does_not_grow_with_rows(tenant_a, django_assert_num_queries):
    org = tenant_a.organization
    client = tenant_a.client(Role.ADMIN)
    with tenant_a.context():
        world = results_world(org)
        _store(org, "one-shop.myshopify.com")
        _import(org, "one.csv", 1)
        credit(org, order(org, "#Q0"), world.alice)
    _home(client, org)  # warm the session and the template cache
    with CaptureQueriesContext(connection) as small:
        assert _home(client, org).status_code == 200
    with tenant_a.context():
        for n in range(3):
            results_world(org, name=f"More {n}", suffix=f"X{n}")
            _store(org, f"shop-{n}.myshopify.com")
            _import(org, f"more-{n}.csv", 2 + n)
        for n in range(24):
            credit(org, order(org, f"#Q{n + 1}"), world.bob if n % 2 else world.alice)
    with django_assert_num_queries(len(small.captured_queries)):
        body = _home(client, org).content.decode()
    assert body.count("data-conversion=") == 25 and body.count("data-campaign=") == 4


def test_postback_docs_page(tenant_a, tenant_b):
    org = tenant_a.organization
    url = reverse("postback_docs", args=[org.slug])
    response = tenant_a.client(Role.VIEWER).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "X-KolHub-Signature" in body and "organization_key" in body
    assert f"POST http://testserver{reverse('postback_receive')}" in body
    # Markdown is shown as text: its backticks and pipes arrive escaped, not as markup.
    assert "<table" not in body and "| `event` |" in body
    assert tenant_b.client(Role.OWNER).get(url).status_code == 404
