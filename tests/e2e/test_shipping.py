"""In real Chromium, two browser contexts: the creator opens their portal link on a phone
and enters a shipping address (first with a bad ZIP code, shown on its field) → the brand
sees the address and creates a shipment (first with a tracking number that is not the
carrier's, shown on its field), then marks it in transit → the creator sees the parcel
in transit. Screenshots: test-results/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from campaigns import services
from campaigns.pipeline import Stage
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_address_then_shipment_then_tracking(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch", products=[
            {"name": "Barrier Serum 30 ml", "sku": "BS-30", "unit_cost": "6.40",
             "price": "38.00"}])  # fmt: skip
        creator = make_creator(org, name="Dr Ana Ruiz", role="kol")
        collaboration = make_collaboration(org, campaign, creator=creator, stage=Stage.CONTRACTED)
        _token, raw = services.portal_token_issue(organization=org, creator=creator,
                                                  issued_by=None)  # fmt: skip
    portal_page = f"{site}/p/{raw}/c/{collaboration.pk}/"
    detail = f"{site}/o/{org.slug}/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(portal_page)
    form = phone.locator("#shipping form")
    expect(form).to_be_visible()
    form.locator("input[name=name]").fill("Ana Ruiz")
    form.locator("select[name=country]").select_option("US")
    form.locator("textarea[name=street_address]").fill("1600 Amphitheatre Pkwy")
    form.locator("input[name=city]").fill("Mountain View")
    form.locator("input[name=country_area]").fill("CA")
    form.locator("input[name=postal_code]").fill("9404")
    form.get_by_role("button", name="Save address").click()
    expect(phone.locator("#shipping")).to_contain_text("Not a valid ZIP code for United States")
    shots(phone, "creator-bad-zip")
    phone.locator("#shipping input[name=postal_code]").fill("94043")
    phone.locator("#shipping").get_by_role("button", name="Save address").click()
    expect(phone.get_by_text("Address saved")).to_be_visible()
    shots(phone, "creator-address-saved")

    brand = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(brand, site, tenant_a.member.email)
    brand.goto(detail)
    shipping = brand.locator("#shipping")
    expect(shipping).to_contain_text("1600 Amphitheatre Pkwy")
    shipping.get_by_text("New shipment").click()
    shipping.locator("input[name^=qty_]").fill("2")
    shipping.locator("select[name=carrier]").select_option("ups")
    shipping.locator("input[name=tracking_number]").fill("1Z12345")
    shipping.locator("input[name=cost]").fill("12.50")
    shipping.get_by_role("button", name="Create shipment").click()
    expect(brand.locator("#shipping")).to_contain_text("not a UPS tracking number")
    shots(brand, "brand-bad-tracking")
    brand.locator("#shipping input[name=tracking_number]").fill("1Z999AA10123456784")
    brand.locator("#shipping").get_by_role("button", name="Create shipment").click()
    expect(brand.get_by_text(re.compile("Shipment UPS 1Z999AA10123456784 created"))).to_be_visible()
    row = brand.locator("#shipping li.shipment")
    row.locator("select[name=status]").select_option("in_transit")
    row.get_by_role("button", name="Update status").click()
    expect(brand.locator("#shipping li.shipment")).to_have_attribute("data-status", "in_transit")
    expect(brand.locator(".stage-pill").first).to_contain_text("Product shipped")
    shots(brand, "brand-in-transit")

    phone.goto(portal_page)
    parcel = phone.locator("#shipping li[data-shipment]")
    expect(parcel).to_contain_text("In transit")
    expect(parcel).to_contain_text("1Z999AA10123456784")
    shots(phone, "creator-in-transit")
