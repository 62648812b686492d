"""Issue 6's whole measurement flow in real Chromium with a real Celery worker:

1. the brand creates a tracking link to the creator's landing page on the collaboration page;
2. a visitor on a phone opens /r/<code>, lands on the landing page (UTMs and click id
   carried) and leaves a lead;
3. the store sends a signed Shopify `orders/create` webhook: the creator's code and the
   landing URL with the click id;
4. the worker flushes the click, processes the webhook (the attribution ledger) and
   recomputes the rollups;
5. the brand's Results dashboard shows the click, the lead and the order, the charts
   render, and the order's page says which rule credited it and why.

Screenshots: test-results/e2e/."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import Browser, expect

from kolhub.celery import app
from tests.campaigns.factories import full_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.e2e.test_contract_signing import wait_for
from tests.e2e.test_portal_offer import log_in
from tests.kolhub.live_worker import LiveWorker
from tracking import services
from tracking.models import AttributionEntry, Click, DailyRollup, WebhookDelivery
from tracking.services.stores import store_connect
from tracking.tasks import flush_clicks_task, refresh_rollups_task

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SECRET = "shpss_e2e_app_secret"
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")  # fmt: skip


@pytest.fixture
def worker(tmp_path):
    worker = LiveWorker(tmp_path)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        worker.start()
        yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.stop()


def test_link_click_lead_order_dashboard(live_server, worker, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    today = timezone.localdate()
    with tenant_a.context():
        campaign = full_campaign(org, name="Barrier serum launch", objective="sales",
                                 start_date=today - datetime.timedelta(days=10),
                                 end_date=today + datetime.timedelta(days=20))  # fmt: skip
        creator = make_creator(org, name="Dr Lena Okafor", accounts=[
            {"platform": "instagram", "handle": "dr.lena", "followers": 18_000}])  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=creator)
        code = services.promo_code_create(org, collaboration=collaboration, code="DRLENA15",
                                          discount_kind="percent", discount_value=15)  # fmt: skip
        page = services.landing_page_create(
            org, collaboration=collaboration, headline="Lena's barrier routine",
            quote="Repair first, then treat.", promo_code=code,
            product=campaign.products.first(), consent_text="Email me offers.",
        )  # fmt: skip
        store = store_connect(organization=org, shop_domain="barrier-e2e.myshopify.com",
                              access_token="shpat_e2e", webhook_secret=SECRET)  # fmt: skip

    # 1. The brand makes the link on the collaboration page.
    brand = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(brand, site, tenant_a.member.email)
    brand.goto(f"{site}/o/{org.slug}/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/")
    brand.select_option("#tracking-platform", "instagram")
    brand.fill("#tracking-destination", f"{site}/l/{page.slug}/")
    brand.get_by_role("button", name="Create link").click()
    short = brand.locator("[data-tracking-link] code").first
    expect(short).to_contain_text("/r/")
    short_url = short.inner_text().strip()
    shots(brand, "link-created")

    # 2. A visitor on a phone follows it to the landing page and leaves a lead.
    # A phone's own user agent: headless Chromium says "HeadlessChrome", which the
    # redirect rightly counts as a bot.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, user_agent=PHONE_UA).new_page()  # fmt: skip
    phone.goto(short_url.replace(re.match(r"https?://[^/]+", short_url).group(0), site))
    expect(phone).to_have_url(re.compile(rf"/l/{page.slug}/\?.*kh_click="))
    click_id = re.search(r"kh_click=([0-9a-f]+)", phone.url).group(1)
    assert "utm_source=instagram" in phone.url and "utm_content=dr.lena" in phone.url
    expect(phone.locator("[data-offer-code]")).to_have_text("DRLENA15")
    phone.get_by_label("Name", exact=True).fill("Sam Ortiz")
    phone.get_by_label("Email", exact=True).fill("sam@example.com")
    phone.get_by_text("Email me offers.").click()
    phone.get_by_role("button", name="Sign up").click()
    expect(phone.locator("[data-thanks]")).to_contain_text("Thank you")
    shots(phone, "lead-sent")

    # 4a. The worker flushes the buffered click.
    flush_clicks_task.delay()
    with tenant_a.context():
        wait_for(lambda: Click.objects.filter(click_id=click_id).exists())

    # 3. The store's webhook: the creator's code, and the landing URL with the click id.
    order = {
        "id": 820001, "admin_graphql_api_id": "gid://shopify/Order/820001", "name": "#8201",
        "created_at": timezone.now().isoformat(), "updated_at": timezone.now().isoformat(),
        "cancelled_at": None, "currency": "USD", "total_price": "64.80",
        "subtotal_price": "54.00", "total_tax": "10.80", "taxes_included": False,
        "current_total_price": "64.80", "current_subtotal_price": "54.00",
        "current_total_tax": "10.80",
        "discount_codes": [{"code": "drlena15", "amount": "9.00", "type": "percentage"}],
        "landing_site": f"/l/{page.slug}/?utm_source=instagram&kh_click={click_id}",
        "referring_site": "https://www.instagram.com/",
        "customer": {"id": 4401, "orders_count": 1},
        "shipping_address": {"country_code": "US"}, "refunds": [],
    }  # fmt: skip
    raw = json.dumps(order).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest())
    headers = {"X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": "e2e-wh-1",
               "X-Shopify-Hmac-Sha256": signature.decode(), "Content-Type": "application/json",
               "X-Shopify-Shop-Domain": "barrier-e2e.myshopify.com"}  # fmt: skip
    hook = f"{site}/hooks/shopify/{store.public_id}/"
    forged = dict(headers, **{"X-Shopify-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()})
    assert requests.post(hook, data=raw, headers=forged, timeout=10).status_code == 401
    assert requests.post(hook, data=raw, headers=headers, timeout=10).status_code == 200
    # A redelivery of the same webhook id is answered and counted once.
    assert requests.post(hook, data=raw, headers=headers, timeout=10).status_code == 200

    # 4b. The worker records the order through the attribution ledger, then the rollups.
    with tenant_a.context():
        credit = wait_for(lambda: AttributionEntry.objects.filter(kind="credit").first())
        assert WebhookDelivery.objects.get(webhook_id="e2e-wh-1").replays == 1
    assert credit.rule == "click" and credit.collaboration_id == collaboration.pk
    refresh_rollups_task.delay(org.pk)
    with tenant_a.context():
        wait_for(lambda: DailyRollup.objects.filter(campaign=campaign, conversions=1).exists())

    # 5. The dashboard shows the click, the lead and the order; the charts render.
    brand.goto(f"{site}/o/{org.slug}/tracking/campaigns/{campaign.pk}/results/")
    row = brand.locator(f"tr[data-collaboration='{collaboration.pk}']")
    expect(row).to_contain_text("Dr Lena Okafor")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("1")  # clicks
    expect(cells.nth(3)).to_have_text("1")  # conversions
    expect(cells.nth(5)).to_contain_text("54.00")  # revenue, net of tax
    expect(brand.locator("[data-kpi='leads']")).to_contain_text("1")
    # Credited as her click, and her code was on it: a promo-code sale too.
    expect(brand.locator("[data-kpi='code_conversions']")).to_contain_text("1")
    for chart in ("#chart-daily", "#chart-cost", "#chart-funnel"):
        wait_for(lambda chart=chart: brand.evaluate(
            f"() => !!window.Chart && !!Chart.getChart(document.querySelector('{chart}'))"))  # fmt: skip
    # Code-leak flags arrive after the page (they read orders, not rollups).
    expect(brand.locator("#leak-flags")).to_contain_text("No promo code looks leaked")
    shots(brand, "dashboard")

    # The campaign's orders, and the order explains its credit.
    brand.locator("[data-conversions-link]").click()
    brand.get_by_role("link", name="#8201").click()
    expect(brand).to_have_url(re.compile(rf"/tracking/conversions/{credit.conversion_id}/$"))
    expect(brand.locator("body")).to_contain_text("Click id carried to the order")
    expect(brand.locator("body")).to_contain_text("DRLENA15")
    shots(brand, "why-this-credit")
