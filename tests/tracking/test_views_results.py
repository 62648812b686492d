"""Results pages: the creator page's results panel, the organization overview (linked
from the main navigation), the campaign's reports & exports page, CSV exports (formula
injection included), overlaps and leak pages, and the PDF report asked for by a button
(tasks run eagerly here; tests/tracking/test_report_worker.py runs a real worker)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from kolhub.models import Role
from tests.tracking.results_world import credit, order, results_world
from tracking.clicks import flush_clicks
from tracking.models import CampaignReport, TrackingLink

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_creator_page_loads_the_results_panel(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
    client = tenant_a.client(Role.VIEWER)
    page = client.get(reverse("creator_detail", args=[org.slug, world.alice.creator_id]))
    panel_url = reverse("tracking_creator_results", args=[org.slug, world.alice.creator_id])
    assert f'hx-get="{panel_url}"' in page.content.decode()
    body = client.get(panel_url).content.decode()
    assert "Glow launch" in body and "ALICE10" in body and "BOB10" not in body
    assert 'data-kpi="clicks">120<' in body
    assert 'data-kpi="revenue">500.00 USD<' in body
    assert 'data-kpi="cpa">40.00 USD<' in body
    assert 'data-kpi="roas">2.50×<' in body
    assert "10% · 0.00 USD pending (accrued 50.00 USD)" in body


def test_overview_page_is_in_the_navigation_and_filters_by_date(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
    client = tenant_a.client(Role.VIEWER)
    url = reverse("tracking_overview", args=[org.slug])
    assert f'href="{url}"' in client.get(reverse("dashboard", args=[org.slug])).content.decode()
    body = client.get(url).content.decode()
    assert "Glow launch" in body and "Revenue: 500.00 USD" in body and "ROAS: 1.00×" in body
    one_day = client.get(url, {"date_from": world.day, "date_to": world.day}).content.decode()
    assert "Revenue: 400.00 USD" in one_day
    bad = client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert (
        bad.status_code == 200 and "The end date is before the start date." in bad.content.decode()
    )
    export = client.get(reverse("tracking_overview_csv", args=[org.slug]),
                        {"date_from": "nonsense"})  # fmt: skip
    assert export.status_code == 400 and b"Enter a valid date" in export.content


def test_exports_of_every_table(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        sale = order(org, "#5001", codes=["ALICE10"], total="80.00")
        credit(org, sale, world.alice, rule="code", revenue="80.00",
               candidates=[{"collaboration_id": world.alice.pk, "rule": "code", "at": "x"}])  # fmt: skip
    client = tenant_a.client(Role.VIEWER)
    args = [org.slug, world.campaign.pk]
    board = _rows(client.get(reverse("campaign_leaderboard_csv", args=args)))
    assert board[0][:3] == ["creator", "stage", "clicks"]
    by_creator = {row[0]: dict(zip(board[0], row, strict=True)) for row in board[1:]}
    assert (
        by_creator["Alice Derm"]["clicks"] == "120" and by_creator["Alice Derm"]["roas"] == "2.5000"
    )
    assert by_creator["Bob Coach"]["cpa"] == "—"  # no conversions: undefined, never 0
    daily = _rows(client.get(reverse("campaign_daily_csv", args=args),
                             {"date_from": "2026-01-09", "date_to": "2026-01-11"}))  # fmt: skip
    assert [(r[0], r[1]) for r in daily[1:]] == [("2026-01-09", "0"), ("2026-01-10", "130"),
                                                 ("2026-01-11", "20")]  # fmt: skip
    conversions = _rows(client.get(reverse("campaign_conversions_csv", args=args)))
    header = conversions[0]
    (row,) = conversions[1:]
    assert row[header.index("credit_rule")] == "code"
    assert row[header.index("credited_creator")] == "Alice Derm"
    ledger = _rows(client.get(reverse("campaign_ledger_csv", args=args)))
    entry = dict(zip(ledger[0], ledger[1], strict=True))
    assert (
        entry["rule"] == "code" and json.loads(entry["evidence"])["candidates"][0]["rule"] == "code"
    )
    overview = _rows(client.get(reverse("tracking_overview_csv", args=[org.slug])))
    assert [r[0] for r in overview[1:]] == ["Glow launch", "Total (USD)"]


def test_csv_cells_cannot_become_formulas(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        creator = world.alice.creator
        creator.name = '=HYPERLINK("http://evil.example","x")'
        creator.save(update_fields=["name"])
        sale = order(org, "=1+2", codes=["@ALICE10"])
        credit(org, sale, world.alice, rule="code")
    client = tenant_a.client(Role.VIEWER)
    args = [org.slug, world.campaign.pk]
    board = client.get(reverse("campaign_leaderboard_csv", args=args)).content.decode()
    assert "'=HYPERLINK" in board and "\n=HYPERLINK" not in board
    conversions = _rows(client.get(reverse("campaign_conversions_csv", args=args)))
    row = dict(zip(conversions[0], conversions[1], strict=True))
    assert row["name"] == "'=1+2" and row["discount_codes"] == "'@ALICE10"
    assert row["credited_creator"].startswith("'=")
    ledger = _rows(client.get(reverse("campaign_ledger_csv", args=args)))
    assert dict(zip(ledger[0], ledger[1], strict=True))["creator"].startswith("'=")


def test_overlaps_and_leaks_pages(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        contested = order(org, "#7001", codes=["ALICE10"])
        credit(org, contested, world.alice, rule="code", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "code", "at": "2026-01-10T10:00"},
            {"collaboration_id": world.bob.pk, "rule": "click", "at": "2026-01-09T10:00"},
        ])  # fmt: skip
    client = tenant_a.client(Role.VIEWER)
    args = [org.slug, world.campaign.pk]
    page = client.get(reverse("campaign_reports", args=args)).content.decode()
    assert "1 order</a>" in page and "Possible code leaks" in page
    overlaps = client.get(reverse("campaign_overlaps", args=args)).content.decode()
    assert (
        "#7001" in overlaps and "Bob Coach" in overlaps and "Creator&#x27;s promo code" in overlaps
    )
    leaks = client.get(reverse("campaign_leaks", args=args)).content.decode()
    assert "No promo code looks leaked." in leaks and "top 3 audience countries" in leaks


def test_exports_of_links_codes_overlaps_and_leak_flags(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        bob = world.bob.creator
        bob.name = '=HYPERLINK("http://evil.example","x")'  # must stay text in a spreadsheet
        bob.save(update_fields=["name"])
        alice_link = TrackingLink.objects.get(collaboration=world.alice)
        # A burst of five redemptions within the hour: a leak flag.
        sales = [order(org, f"#80{n}", codes=["alice10"]) for n in range(5)]
        credit(org, sales[0], world.alice, rule="code", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "code", "at": "2026-01-10T10:00"},
            {"collaboration_id": world.bob.pk, "rule": "click", "at": "2026-01-09T10:00"},
        ])  # fmt: skip
    phone = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile"}
    for ip in ("203.0.113.7", "203.0.113.7", "198.51.100.1"):
        Client(REMOTE_ADDR=ip, **phone).get(f"/r/{alice_link.code}")
    flush_clicks()
    client = tenant_a.client(Role.VIEWER)
    args = [org.slug, world.campaign.pk]
    page = client.get(reverse("campaign_reports", args=args)).content.decode()
    for name in ("campaign_links_csv", "campaign_promo_codes_csv", "campaign_overlaps_csv",
                 "campaign_leak_flags_csv"):  # fmt: skip
        assert f'href="{reverse(name, args=args)}"' in page, name

    links = _rows(client.get(reverse("campaign_links_csv", args=args)))
    by_platform = {row[1]: dict(zip(links[0], row, strict=True)) for row in links[1:]}
    alice = by_platform["instagram"]
    assert (alice["creator"], alice["code"]) == ("Alice Derm", alice_link.code)
    assert (alice["clicks_recorded"], alice["clicks_unique"]) == ("3", "2")
    assert by_platform["youtube"]["creator"].startswith("'=HYPERLINK")
    assert by_platform["youtube"]["clicks_recorded"] == "0"
    before = _rows(client.get(reverse("campaign_links_csv", args=args),
                              {"date_from": "2020-01-01", "date_to": "2020-01-31"}))  # fmt: skip
    assert {row[5] for row in before[1:]} == {"0"}

    codes = _rows(client.get(reverse("campaign_promo_codes_csv", args=args)))
    by_code = {row[1]: dict(zip(codes[0], row, strict=True)) for row in codes[1:]}
    assert by_code["ALICE10"]["redemptions"] == "5" and by_code["BOB10"]["redemptions"] == "0"
    assert by_code["BOB10"]["creator"].startswith("'=")

    overlaps = _rows(client.get(reverse("campaign_overlaps_csv", args=args)))
    (overlap,) = [dict(zip(overlaps[0], row, strict=True)) for row in overlaps[1:]]
    assert (overlap["conversion"], overlap["credited_creator"], overlap["rule"]) == (
        "#800", "Alice Derm", "code")  # fmt: skip
    assert overlap["other_candidates"].startswith("'=HYPERLINK")
    assert "click" in overlap["other_candidates"]

    flags = _rows(client.get(reverse("campaign_leak_flags_csv", args=args)))
    (flag,) = [dict(zip(flags[0], row, strict=True)) for row in flags[1:]]
    assert (flag["code"], flag["creator"], flag["redemptions"]) == ("ALICE10", "Alice Derm", "5")
    assert "burst" in flag["reasons"] and flag["top_audience_countries"] == "US GB CA"
    bad = client.get(reverse("campaign_leak_flags_csv", args=args), {"date_from": "nonsense"})
    assert bad.status_code == 400


def test_report_button_renders_a_pdf_and_the_status_fragment_links_it(
    tenant_a, django_capture_on_commit_callbacks
):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
    client = tenant_a.client(Role.MEMBER)
    args = [org.slug, world.campaign.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaign_report_create", args=args),
                               {"date_from": "2026-01-01", "date_to": "2026-01-31"},
                               HTTP_HX_REQUEST="true")  # fmt: skip
    assert b'data-status="pending"' in response.content and b"hx-trigger" in response.content
    with tenant_a.context():
        report = CampaignReport.objects.get()
    assert response.status_code == 200
    # Eager here: the task ran on commit, before the fragment was rendered.
    fragment = client.get(reverse("campaign_report_status", args=[*args, report.pk]))
    assert b"Download PDF" in fragment.content and b"hx-trigger" not in fragment.content
    pdf = client.get(reverse("campaign_report_pdf", args=[*args, report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "Glow launch" in text and "Alice Derm" in text and "Bob Coach" in text
    assert "500.00 USD" in text


def test_report_refuses_bad_dates_and_viewers(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
    args = [org.slug, world.campaign.pk]
    member = tenant_a.client(Role.MEMBER)
    response = member.post(reverse("campaign_report_create", args=args),
                           {"date_from": "2026-03-01", "date_to": "2026-01-01"}, follow=True)  # fmt: skip
    assert "The end date is before the start date." in response.content.decode()
    viewer = tenant_a.client(Role.VIEWER)
    assert viewer.post(reverse("campaign_report_create", args=args)).status_code in (403, 404)
    with tenant_a.context():
        assert not CampaignReport.objects.exists()


def test_report_of_another_campaign_is_not_found(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        other = results_world(org, name="Other", suffix="O")
    client = tenant_a.client(Role.MEMBER)
    client.post(reverse("campaign_report_create", args=[org.slug, other.campaign.pk]))
    with tenant_a.context():
        report = CampaignReport.objects.get()
    url = reverse("campaign_report_pdf", args=[org.slug, world.campaign.pk, report.pk])
    assert client.get(url).status_code == 404
