"""The orders import through the brand pages and the API: mapping remembered, preview,
every row validated (line, column, value, reason), good rows recorded and credited, bad
rows reported and downloadable as CSV, and the same file twice changes nothing. The
worker test runs a real Celery worker for the progress."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kolhub import services as kolhub_services
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.kolhub.test_worker import live_worker, wait_for  # noqa: F401 (a fixture)
from tracking import services
from tracking.imports import services as import_services
from tracking.imports.tasks import import_orders_task
from tracking.models import (
    AttributionEntry,
    Click,
    Conversion,
    OrderImport,
    OrderImportColumnMapping,
    OrderImportRowError,
    Refund,
)

NOW = timezone.now().replace(microsecond=0)
DAY = (NOW - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
FUTURE = (NOW + datetime.timedelta(days=40)).strftime("%Y-%m-%d %H:%M")


def url(name, tenant, *args):
    return reverse(name, args=[tenant.organization.slug, *args])


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow serum", slug="glow-serum")
        creator = make_creator(org, name="Dr. Ada", accounts=[
            {"platform": "instagram", "handle": "dr_ada", "followers": 20_000}])  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=creator)
        link = services.tracking_link_create(
            organization=org, collaboration=collaboration, platform="instagram",
            destination_url="https://shop.example/serum",
        )  # fmt: skip
        services.promo_code_create(org, collaboration=collaboration, code="DRADA15")
        click = Click.objects.create(
            organization=org, link=link, clicked_at=NOW - datetime.timedelta(days=2),
            visitor_hash="v" * 64, user_agent_class="mobile", batch_id="test",
        )  # fmt: skip
    return tenant_a, collaboration, click


def orders_csv(click) -> str:
    landing = f"https://shop.example/serum?kh_click={click.click_id.hex}&utm_source=instagram"
    rows = [
        ["Order ID", "Name", "Created at", "Currency", "Total price", "Subtotal", "Taxes",
         "Discount Codes", "Landing site", "Email", "Orders count", "Shipping country",
         "Refunded"],
        ["1001", "#1001", DAY, "EUR", "110.00", "100.00", "10.00", "DRADA15", "", "a@x.test",
         "1", "de", ""],
        ["1002", "#1002", DAY, "EUR", "1,210.00", "1100.00", "110.00", "", landing, "b@x.test",
         "2", "UK", "50.00"],
        ["1003", "#1003", DAY, "EURO", "10.00", "", "", "", "", "", "", "", ""],
        ["1004", "#1004", FUTURE, "EUR", "-3", "", "", "", "", "", "", "ZZ", ""],
        ["1001", "#1001 again", DAY, "EUR", "110.00", "", "", "", "", "", "", "", ""],
        ["1005", "#1005", "yesterday", "USD", "12,50", "", "", "", "", "", "", "", ""],
        ["1006", "#1006", DAY, "USD", "30.00", "", "", "NOSUCHCODE", "", "", "", "", ""],
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def upload(client, tenant, content: str, name="orders.csv"):
    file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post(url("order_imports", tenant), {"file": file})


def start(client, tenant, capture, overrides=None) -> OrderImport:
    response = upload(client, tenant, CONTENT[0])
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant.context():
        order_import = OrderImport.objects.order_by("-id").first()
    page = client.get(url("order_import_mapping", tenant, order_import.pk))
    assert page.status_code == 200
    form = page.context["form"]
    mapping = {**form.current_mapping(), **(overrides or {})}
    data = {f"column_{i}": mapping[h] for i, h in enumerate(form.headers)}
    with capture(execute=True):
        response = client.post(url("order_import_mapping", tenant, order_import.pk),
                               {**data, "action": "start"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant.context():
        order_import.refresh_from_db()
    return order_import


CONTENT: list[str] = []


def errors_of(tenant, order_import):
    with tenant.context():
        return [(e.line, e.column, e.value, e.reason)
                for e in OrderImportRowError.objects.filter(order_import=order_import)]  # fmt: skip


@pytest.mark.django_db
def test_the_mapping_is_guessed_previewed_and_remembered(world):
    tenant, _, click = world
    client = tenant.client(Role.MEMBER)
    assert upload(client, tenant, orders_csv(click)).status_code == 302
    with tenant.context():
        order_import = OrderImport.objects.get()
    page = client.get(url("order_import_mapping", tenant, order_import.pk))
    mapping = page.context["form"].current_mapping()
    assert mapping["Order ID"] == "external_id" and mapping["Created at"] == "occurred_at"
    assert mapping["Total price"] == "total" and mapping["Landing site"] == "landing_url"
    assert mapping["Discount Codes"] == "discount_codes" and mapping["Email"] == "customer_ref"
    outcomes = [row.outcome for row in page.context["preview"]]
    assert outcomes == ["new", "new", "error", "error", "error", "error", "new"]
    # Preview for another mapping (htmx): the partial only, with the missing field noted.
    data = {f"column_{i}": mapping[h] for i, h in enumerate(page.context["form"].headers)}
    data["column_0"] = ""
    partial = client.post(url("order_import_mapping", tenant, order_import.pk),
                          {**data, "action": "preview"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Map order id, created at, currency and total" in partial.content.decode()
    refused = client.post(url("order_import_mapping", tenant, order_import.pk),
                          {**data, "action": "start"})  # fmt: skip
    assert refused.status_code == 400
    assert "Missing: Order id." in refused.content.decode()
    # A header mapped by hand is remembered for the organization's next file.
    data["column_0"] = "external_id"
    data["column_1"] = ""
    client.post(url("order_import_mapping", tenant, order_import.pk), {**data, "action": "start"})
    with tenant.context():
        assert OrderImportColumnMapping.objects.get(header="name").field == ""
    upload(client, tenant, orders_csv(click), name="again.csv")
    with tenant.context():
        second = OrderImport.objects.order_by("-id").first()
    again = client.get(url("order_import_mapping", tenant, second.pk)).context["form"]
    assert again.current_mapping()["Name"] == ""


@pytest.mark.django_db
def test_good_rows_land_bad_rows_are_reported_and_a_reimport_changes_nothing(
    world, django_capture_on_commit_callbacks
):
    tenant, collaboration, click = world
    client = tenant.client(Role.MEMBER)
    CONTENT[:] = [orders_csv(click)]
    first = start(client, tenant, django_capture_on_commit_callbacks)
    assert first.status == "done", first.failure
    assert (first.processed_rows, first.created_count, first.error_count) == (7, 3, 4)
    errors = errors_of(tenant, first)
    assert (4, "Currency", "EURO", "'EURO' is not an ISO 4217 code.") in errors
    assert (5, "Total price", "-3", "Must not be negative.") in errors
    assert any(e[0] == 5 and e[1] == "Shipping country" for e in errors)
    assert (6, "Order ID", "1001", "Order id 1001 is already on line 2.") in errors
    assert (7, "Created at", "yesterday",
            "Not a date and time (e.g. 2025-05-01T14:30:00Z).") in errors  # fmt: skip
    assert (7, "Total price", "12,50", "Use a dot for decimals (12.50), not a comma.") in errors
    with tenant.context():
        by_id = {c.external_id: c for c in Conversion.objects.filter(source="csv")}
        assert set(by_id) == {"1001", "1002", "1006"}
        assert by_id["1002"].total == 1210 and by_id["1002"].shipping_country == "GB"
        assert by_id["1002"].click_id == click.click_id.hex
        assert by_id["1002"].utm_source == "instagram" and by_id["1002"].refunded == 50
        assert by_id["1001"].customer_key and by_id["1001"].customer_key != "a@x.test"
        credits = {
            e.conversion.external_id: e.rule
            for e in AttributionEntry.objects.filter(kind="credit").select_related("conversion")
        }
        assert credits == {"1001": "code", "1002": "click"}
        entries_before = AttributionEntry.objects.count()
        refunds_before = Refund.objects.count()
    # The errors as CSV, one line per problem.
    download = client.get(url("order_import_errors_csv", tenant, first.pk))
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0] == ["line", "column", "value", "reason"] and len(lines) == len(errors) + 1
    # The results page shows the counts and the errors.
    page = client.get(url("order_import_detail", tenant, first.pk)).content.decode()
    assert 'data-count="created">3<' in page and "already on line 2" in page

    second = start(client, tenant, django_capture_on_commit_callbacks)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 3)
    assert second.error_count == 4
    with tenant.context():
        assert Conversion.objects.filter(source="csv").count() == 3
        assert AttributionEntry.objects.count() == entries_before
        assert Refund.objects.count() == refunds_before


@pytest.mark.django_db
def test_a_later_file_with_more_refunded_adds_the_difference(
    world, django_capture_on_commit_callbacks
):
    tenant, _, click = world
    client = tenant.client(Role.MEMBER)
    header = "Order id,Created at,Currency,Total,Subtotal,Discount codes,Refunded amount\n"
    CONTENT[:] = [header + f"2001,{DAY},EUR,110.00,100.00,DRADA15,10.00\n"]
    start(client, tenant, django_capture_on_commit_callbacks)
    CONTENT[:] = [header + f"2001,{DAY},EUR,110.00,100.00,DRADA15,30.00\n"]
    later = start(client, tenant, django_capture_on_commit_callbacks)
    assert later.updated_count == 1
    with tenant.context():
        assert sorted(Refund.objects.values_list("amount", flat=True)) == [10, 20]
        assert Conversion.objects.get().refunded == 30
        refunds = AttributionEntry.objects.filter(kind="refund").order_by("id")
        assert [e.revenue for e in refunds] == [-10, -20]
    CONTENT[:] = [header + f"2001,{DAY},EUR,110.00,100.00,DRADA15,5.00\n"]
    older = start(client, tenant, django_capture_on_commit_callbacks)
    assert older.error_count == 1
    assert "already recorded as refunded" in errors_of(tenant, older)[0][3]


@pytest.mark.django_db
def test_a_refund_is_booked_when_the_file_says_it_was_made(
    world, django_capture_on_commit_callbacks
):
    tenant, _, click = world
    client = tenant.client(Role.MEMBER)
    ordered = NOW - datetime.timedelta(days=20)
    refunded = NOW - datetime.timedelta(days=3)
    header = "Order id,Created at,Currency,Total,Subtotal,Discount codes,Refunded,Refund date\n"
    CONTENT[:] = [
        header + f"3001,{ordered:%Y-%m-%dT%H:%M:%SZ},EUR,110.00,100.00,DRADA15,40.00,"
        f"{refunded:%Y-%m-%dT%H:%M:%SZ}\n"
        + f"3002,{DAY},EUR,50.00,50.00,,10.00,{ordered:%Y-%m-%dT%H:%M:%SZ}\n"
        + f"3003,{DAY},EUR,50.00,50.00,,10.00,{FUTURE}\n"
        + f"3004,{ordered:%Y-%m-%dT%H:%M:%SZ},EUR,50.00,50.00,DRADA15,10.00,\n"
    ]
    done = start(client, tenant, django_capture_on_commit_callbacks)
    problems = {(line, column): reason for line, column, _, reason in errors_of(tenant, done)}
    assert problems == {(3, "Refund date"): "Before the order was created.",
                        (4, "Refund date"): "In the future."}  # fmt: skip
    with tenant.context():
        late = Refund.objects.get(conversion__external_id="3001")
        assert late.refunded_at == refunded
        entry = AttributionEntry.objects.get(kind="refund", conversion__external_id="3001")
        assert entry.effective_at == refunded and entry.revenue == -40
        # Without a date the refund keeps the order's day, as before.
        assert Refund.objects.get(conversion__external_id="3004").refunded_at == ordered


@pytest.mark.django_db
def test_the_api_uploads_and_starts_an_import(world, django_capture_on_commit_callbacks):
    tenant, _, click = world
    with tenant.context():
        _, raw = kolhub_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="ETL", role="member",
        )  # fmt: skip
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    content = "order,when,cur,amount\n3001," + DAY + ",EUR,40.00\n3002,soon,EUR,1\n"
    mapping = {"order": "external_id", "when": "occurred_at", "cur": "currency", "amount": "total"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url("api_order_import_list", tenant),
            {"file": SimpleUploadedFile("api.csv", content.encode()),
             "mapping": json.dumps(mapping)},
        )  # fmt: skip
    assert response.status_code == 202, response.content
    import_id = response.json()["id"]
    detail = api.get(url("api_order_import_detail", tenant, import_id)).json()
    assert detail["status"] == "done" and detail["created_count"] == 1
    assert detail["error_count"] == 1 and detail["percent"] == 100
    errors = api.get(url("api_order_import_errors_csv", tenant, import_id)).content.decode()
    assert "3,when,soon," in errors
    bad = api.post(url("api_order_import_list", tenant),
                   {"file": SimpleUploadedFile("api.csv", content.encode()),
                    "mapping": json.dumps({"order": "external_id"})})  # fmt: skip
    assert bad.status_code == 400 and "Missing" in bad.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_in_committed_batches(world, live_worker, tmp_path, settings,  # noqa: F811
                                                    monkeypatch):  # fmt: skip
    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = str(media)
    registered = (
        __import__("kolhub.celery", fromlist=["app"]).app.control.inspect(
            destination=[live_worker.name], timeout=5).registered() or {}
    )  # fmt: skip
    assert import_orders_task.name in set(registered.get(live_worker.name, []))
    tenant, _, _ = world
    rows = 450
    content = "Order id,Created at,Currency,Total,Discount codes\n" + "".join(
        f"W{i},{DAY},EUR,{'-1' if i == 7 else '20.00'},DRADA15\n" for i in range(rows)
    )
    with tenant.context():
        order_import = import_services.order_import_upload(
            organization=tenant.organization, uploaded_by=tenant.owner,
            upload=SimpleUploadedFile("worker.csv", content.encode()),
        )  # fmt: skip
        import_services.order_import_start(
            organization=tenant.organization, order_import=order_import,
            mapping={"Order id": "external_id", "Created at": "occurred_at",
                     "Currency": "currency", "Total": "total",
                     "Discount codes": "discount_codes"},
            started_by=tenant.owner,
        )  # fmt: skip
    seen = set()
    client = tenant.client(Role.MEMBER)

    def finished():
        page = client.get(url("order_import_progress", tenant, order_import.pk))
        with tenant.context():
            current = OrderImport.objects.get(pk=order_import.pk)
        seen.add(current.processed_rows)
        return current.status in ("done", "failed") and (current, page)

    done, page = wait_for(finished, timeout=180)
    assert done.status == "done", done.failure
    assert (done.processed_rows, done.created_count, done.error_count) == (rows, rows - 1, 1)
    # Batches of 200 commit one by one: the progress only ever moves by whole batches.
    assert seen <= {0, 200, 400, rows}
    body = page.content.decode()
    assert 'data-status="done"' in body and "hx-trigger" not in body
    with tenant.context():
        assert Conversion.objects.filter(source="csv").count() == rows - 1
        assert AttributionEntry.objects.filter(kind="credit", rule="code").count() == rows - 1
        assert OrderImportRowError.objects.get(order_import=order_import).line == 9
