"""In real Chromium on a phone: a visitor opens a creator's landing page with UTM
parameters and a click id, sees the creator, the quote and the offer code, submits the
lead form (first without consent, refused), and the brand's member then sees the lead —
with its UTMs and click id — in the campaign's lead list. Screenshots: test-results/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.campaigns.factories import full_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in
from tracking import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_from_phone_reaches_the_brand(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org, name="Glow launch", objective="lead_generation")
        collaboration = make_collaboration(
            org, campaign, creator=make_creator(org, name="Dr Ana Ruiz")
        )
        code = services.promo_code_create(org, collaboration=collaboration,
                                          discount_kind="percent", discount_value=15)  # fmt: skip
        page = services.landing_page_create(
            org, collaboration=collaboration, headline="Ana's barrier routine",
            quote="Ceramides first, always.", promo_code=code, product=campaign.products.first(),
            consent_text="Email me Glow offers. I can unsubscribe any time.",
        )  # fmt: skip
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(f"{site}/l/{page.slug}/?utm_source=instagram&utm_medium=kol"
               "&utm_campaign=glow-launch&kh_click=clk-777")  # fmt: skip
    expect(phone.locator("[data-creator]")).to_have_text("Dr Ana Ruiz")
    expect(phone.locator("[data-offer-code]")).to_have_text("DRANA15")
    expect(phone.get_by_text("Ceramides first, always.")).to_be_visible()
    # The honeypot is out of sight for a person.
    expect(phone.locator("#lead-website")).not_to_be_in_viewport()
    phone.get_by_label("Name", exact=True).fill("Mia Park")
    phone.get_by_label("Email", exact=True).fill("mia@example.com")
    phone.get_by_role("button", name="Sign up").click()
    expect(phone.get_by_text("Tick the box to agree")).to_be_visible()
    phone.get_by_text("Email me Glow offers.").click()
    shots(phone, "landing-filled")
    phone.get_by_role("button", name="Sign up").click()
    expect(phone.locator("[data-thanks]")).to_contain_text("Thank you")
    shots(phone, "landing-thanks")

    brand = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    log_in(brand, site, tenant_a.member.email)
    brand.goto(f"{site}/o/{org.slug}/campaigns/{campaign.pk}/")
    brand.get_by_role("link", name="Codes & leads").click()
    brand.get_by_role("link", name="1 lead in all").click()
    row = brand.locator("tr[data-lead='mia@example.com']")
    expect(row).to_contain_text("Mia Park")
    expect(row).to_contain_text("Dr Ana Ruiz")
    expect(row).to_contain_text("instagram")
    expect(row).to_contain_text("clk-777")
    shots(brand, "brand-lead-list")
