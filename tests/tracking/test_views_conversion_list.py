"""The organization's conversions list (/o/<org>/tracking/conversions/, `conversion_list`)
and its CSV: columns and credit, every filter, a bad filter shown invalid (never a 500,
never a half-filtered list), pagination that keeps the filter, another organization's
list a 404 and its campaigns invalid choices, and a query count that does not grow with
the rows."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kolhub.models import Role
from tests.tracking.results_world import credit, order, results_world
from tracking.models import Conversion

pytestmark = pytest.mark.django_db


def _list(client, org, **params):
    return client.get(reverse("conversion_list", args=[org.slug]), params)


def _shown(response) -> list[str]:
    """Order names in the table, in page order."""
    body = response.content.decode()
    names = []
    for chunk in body.split("data-conversion=")[1:]:
        link = chunk[chunk.index("<a href=") :]
        names.append(link[link.index(">") + 1 : link.index("</a>")])
    return names


@pytest.fixture
def world(tenant_a):
    """Glow launch (Alice, Bob) and Spring push (Cara); five conversions over three days."""
    org = tenant_a.organization
    now = timezone.now().replace(microsecond=0)
    with tenant_a.context():
        glow = results_world(org)
        spring = results_world(org, name="Spring push", suffix="S")
        rows = {
            "#2001": order(org, "#2001", at=now, total="80.00", codes=["ALICE10"]),
            "#2002": order(org, "#2002", at=now - datetime.timedelta(days=1), total="40.00"),
            "#2003": order(org, "#2003", at=now - datetime.timedelta(days=2), total="25.50",
                           refunded=Decimal("5.00"), cancelled_at=now),
            "#2004": order(org, "#2004", at=now - datetime.timedelta(hours=1)),
        }  # fmt: skip
        rows["CSV-77"] = Conversion.objects.create(
            organization=org, source="csv", external_id="erp-77-abc", kind="sale", name="",
            occurred_at=now - datetime.timedelta(hours=2), currency="EUR",
            total=Decimal("12.00"),
        )  # fmt: skip
        credit(org, rows["#2001"], glow.alice, rule="code", revenue="80.00")
        credit(org, rows["#2002"], spring.bob, rule="click", revenue="40.00")
        # #2003's credit was withdrawn by a reversal: it reads as unattributed.
        withdrawn = credit(org, rows["#2003"], glow.bob, rule="utm", revenue="25.50")
        credit(org, rows["#2003"], glow.bob, rule="utm", revenue="25.50", kind="reversal",
               reverses=withdrawn)  # fmt: skip
    return {"glow": glow, "spring": spring, "rows": rows, "now": now}


def test_list_shows_every_conversion_with_its_columns(tenant_a, world):
    org = tenant_a.organization
    response = _list(tenant_a.client(Role.VIEWER), org)
    assert response.status_code == 200
    assert _shown(response) == ["#2001", "#2004", "erp-77-abc", "#2002", "#2003"]
    body = response.content.decode()

    def row(name):
        pk = world["rows"][name].pk
        chunk = body[body.index(f'data-conversion="{pk}"') :]
        return chunk[: chunk.index("</tr>")]

    first = row("#2001")
    assert f'href="{reverse("conversion_detail", args=[org.slug, world["rows"]["#2001"].pk])}"' in (
        first
    )
    assert "Shopify" in first and "80.00 USD" in first
    assert "Alice Derm" in first and "in Glow launch" in first
    assert "Creator&#x27;s promo code on the order" in first
    assert world["now"].strftime("%b %-d, %Y %H:%M") in first  # the organization's UTC
    assert "Bob Coach" in row("#2002") and "in Spring push" in row("#2002")
    assert "Click id carried to the order" in row("#2002")
    cancelled = row("#2003")
    assert "Unattributed" in cancelled and "Bob Coach" not in cancelled
    assert "5.00 USD" in cancelled and "Cancelled" in cancelled
    assert "CSV import" in row("CSV-77") and "12.00 EUR" in row("CSV-77")
    assert "5 conversions." in body


def test_times_read_in_the_organizations_timezone(tenant_a, world):
    org = tenant_a.organization
    org.timezone = "Asia/Tokyo"
    org.save(update_fields=["timezone"])
    body = _list(tenant_a.client(Role.VIEWER), org).content.decode()
    tokyo = world["now"].astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert tokyo.strftime("%b %-d, %Y %H:%M") in body


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"credit": "attributed"}, ["#2001", "#2002"]),
        ({"credit": "unattributed"}, ["#2004", "erp-77-abc", "#2003"]),
        ({"source": "csv"}, ["erp-77-abc"]),
        ({"source": "shopify", "credit": "unattributed"}, ["#2004", "#2003"]),
        ({"q": "2002"}, ["#2002"]),
        ({"q": "ERP-77"}, ["erp-77-abc"]),  # the external id, any case
        ({"q": "Order/#200"}, ["#2001", "#2004", "#2002", "#2003"]),  # Shopify's gid
        ({"q": "nothing like it"}, []),
    ],
)
def test_filters(tenant_a, world, params, expected):
    response = _list(tenant_a.client(Role.VIEWER), tenant_a.organization, **params)
    assert response.status_code == 200 and _shown(response) == expected


def test_filter_by_campaign_and_dates(tenant_a, world):
    org, client = tenant_a.organization, tenant_a.client(Role.VIEWER)
    assert _shown(_list(client, org, campaign=world["glow"].campaign.pk)) == ["#2001"]
    assert _shown(_list(client, org, campaign=world["spring"].campaign.pk)) == ["#2002"]
    yesterday = (world["now"] - datetime.timedelta(days=1)).date()
    one_day = _list(client, org, date_from=yesterday, date_to=yesterday)
    assert _shown(one_day) == ["#2002"]
    assert _shown(_list(client, org, date_to=yesterday)) == ["#2002", "#2003"]
    body = _list(client, org, credit="attributed").content.decode()
    assert "2 conversions match the filter." in body


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "nonsense"}, "Enter a valid date."),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"},
         "The end date is before the start date."),
        ({"campaign": "abc"}, "Select a valid choice."),
        ({"credit": "maybe"}, "Select a valid choice."),
        ({"source": "fax"}, "Select a valid choice."),
        ({"q": "x" * 121}, "Ensure this value has at most 120 characters"),
    ],
)  # fmt: skip
def test_a_bad_filter_is_shown_invalid_and_lists_nothing(tenant_a, world, params, message):
    org, client = tenant_a.organization, tenant_a.client(Role.VIEWER)
    response = _list(client, org, **params)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "Fix the filter" in body
    assert _shown(response) == [] and "Export CSV" not in body
    export = client.get(reverse("conversion_list_csv", args=[org.slug]), params)
    assert export.status_code == 400 and message.encode() in export.content


def test_pagination_keeps_the_filter(tenant_a):
    org, client = tenant_a.organization, tenant_a.client(Role.VIEWER)
    start = timezone.now() - datetime.timedelta(days=5)
    with tenant_a.context():
        for n in range(53):
            order(org, f"#P{n:03d}", at=start + datetime.timedelta(minutes=n))
        order(org, "#OTHER", at=start)
    first = _list(client, org, q="#P")
    assert first.status_code == 200
    assert _shown(first)[:2] == ["#P052", "#P051"] and len(_shown(first)) == 50
    body = first.content.decode()
    assert "Page 1 of 2" in body and "53 conversions match the filter." in body
    assert 'href="?q=%23P&amp;page=2"' in body
    second = _list(client, org, q="#P", page=2)
    assert _shown(second) == ["#P002", "#P001", "#P000"]
    assert 'href="?q=%23P&amp;page=1"' in second.content.decode()
    # Out of range or not a number: the nearest page, never an error.
    assert _shown(_list(client, org, q="#P", page=99)) == ["#P002", "#P001", "#P000"]
    assert _shown(_list(client, org, q="#P", page="abc"))[0] == "#P052"


def test_csv_export_reuses_the_results_export_with_the_same_filter(tenant_a, world):
    org, client = tenant_a.organization, tenant_a.client(Role.VIEWER)
    page = _list(client, org, credit="attributed").content.decode()
    csv_url = reverse("conversion_list_csv", args=[org.slug])
    assert f'href="{csv_url}?credit=attributed"' in page
    response = client.get(csv_url, {"credit": "attributed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["name"], r["credit_rule"], r["credited_creator"]) for r in rows] == [
        ("#2001", "code", "Alice Derm"), ("#2002", "click", "Bob Coach"),
    ]  # fmt: skip
    everything = list(csv.DictReader(io.StringIO(client.get(csv_url).content.decode())))
    assert len(everything) == 5


def test_the_home_links_to_the_full_list(tenant_a, world):
    org = tenant_a.organization
    home = tenant_a.client(Role.VIEWER).get(reverse("tracking_index", args=[org.slug]))
    assert f'href="{reverse("conversion_list", args=[org.slug])}"' in home.content.decode()


def test_other_orgs_conversions_not_accessible(tenant_a, tenant_b, world):
    org = tenant_a.organization
    outsider = tenant_b.client(Role.OWNER)
    assert _list(outsider, org).status_code == 404
    assert outsider.get(reverse("conversion_list_csv", args=[org.slug])).status_code == 404
    own = _list(outsider, tenant_b.organization)
    assert own.status_code == 200 and _shown(own) == []
    body = own.content.decode()
    assert "Glow launch" not in body and "#2001" not in body
    # A's campaign id is not one of B's choices: invalid, not a lookup across tenants.
    probe = _list(outsider, tenant_b.organization, campaign=world["glow"].campaign.pk)
    assert probe.status_code == 400 and "Select a valid choice." in probe.content.decode()
    assert "Glow launch" not in probe.content.decode()


def test_query_count_does_not_grow_with_rows(tenant_a, django_assert_num_queries):
    org, client = tenant_a.organization, tenant_a.client(Role.VIEWER)
    start = timezone.now() - datetime.timedelta(days=1)
    with tenant_a.context():
        world = results_world(org)
        credit(org, order(org, "#C000", at=start), world.alice)
    _list(client, org)  # warm the session and the template cache
    with CaptureQueriesContext(connection) as one:
        assert len(_shown(_list(client, org))) == 1
    with tenant_a.context():
        for n in range(1, 30):
            sale = order(org, f"#C{n:03d}", at=start + datetime.timedelta(minutes=n))
            if n % 3:
                credit(org, sale, world.alice if n % 2 else world.bob)
    with django_assert_num_queries(len(one.captured_queries)):
        response = _list(client, org)
    assert len(_shown(response)) == 30
