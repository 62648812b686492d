"""In real Chromium, two browser contexts: the brand proposes an offer (deliverables and a
payment schedule through the formsets) and creates a portal link → the creator opens the
link on a phone-sized screen and counters (more fee, less usage) → the brand sees the
diff and accepts → the creator sees the agreed terms and the payment schedule. Then the
brand revokes the link and the creator's next visit gets the friendly "no longer valid"
page. Screenshots: test-results/e2e/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from campaigns.models import Collaboration, Offer, PaymentItem
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/o/[^/]+/$"))


def test_offer_counter_accept_through_the_portal(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch", products=[
            {"name": "Barrier Serum 30 ml", "sku": "BS-30", "unit_cost": "6.40",
             "price": "38.00"}])  # fmt: skip
        creator = make_creator(org, name="Dr Ana Ruiz", role="kol")
        collaboration = make_collaboration(org, campaign, creator=creator, stage=Stage.INVITED)
        due = organization_today(org) + timedelta(days=21)
    detail = (f"{site}/o/{org.slug}/campaigns/{campaign.pk}/collaborations/"
              f"{collaboration.pk}/")  # fmt: skip

    brand = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(brand, site, tenant_a.member.email)
    brand.goto(detail)
    expect(brand.get_by_text("No offer yet")).to_be_visible()
    form = brand.locator("form.offer-form")
    form.locator("input[name=offer-fee]").fill("1500")
    form.locator("input[name=offer-usage_rights_days]").fill("90")
    form.locator("input[name=offer-usage_channels]").fill("brand Instagram, website")
    form.locator("select[name=offer-deliverables-0-platform]").select_option("instagram")
    form.locator("select[name=offer-deliverables-0-kind]").select_option("reel")
    form.locator("input[name=offer-deliverables-0-quantity]").fill("1")
    form.locator("input[name=offer-deliverables-0-due_date]").fill(due.isoformat())
    # A second deliverable row, added with the formset's "+ Add a row".
    form.locator("[data-add-row=offer-deliverables]").click()
    form.locator("select[name=offer-deliverables-1-platform]").select_option("instagram")
    form.locator("select[name=offer-deliverables-1-kind]").select_option("story")
    form.locator("input[name=offer-deliverables-1-quantity]").fill("3")
    form.locator("input[name=offer-deliverables-1-due_date]").fill(due.isoformat())
    form.locator("input[name=offer-installments-0-percent]").fill("50")
    form.locator("select[name=offer-installments-0-trigger]").select_option("on_signature")
    form.locator("input[name=offer-installments-0-net_days]").fill("14")
    form.locator("[data-add-row=offer-installments]").click()
    form.locator("input[name=offer-installments-1-percent]").fill("50")
    form.locator("select[name=offer-installments-1-trigger]").select_option("on_publication")
    form.locator("input[name=offer-installments-1-net_days]").fill("30")
    form.locator("select[name=offer-gifts-0-product]").select_option(label="Barrier Serum 30 ml")
    form.locator("textarea[name=offer-note]").fill("Starter kit included.")
    shots(brand, "brand-offer-form")
    form.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("Offer v1 sent to Dr Ana Ruiz.")).to_be_visible()
    expect(brand.locator("#offer")).to_contain_text("Waiting for Dr Ana Ruiz to answer")

    brand.get_by_role("button", name="Create portal link").click()
    link = brand.locator("#new-portal-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(site)}/p/[A-Za-z0-9_-]{{43,}}/", link), link
    shots(brand, "brand-portal-link")

    # The creator, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(link)
    expect(phone.get_by_text("Hello Dr Ana Ruiz")).to_be_visible()
    expect(phone.get_by_text("Offer v1 is waiting for you")).to_be_visible()
    shots(phone, "creator-home")
    phone.get_by_role("link", name=re.compile("Barrier Serum launch")).click()
    expect(phone.get_by_role("button", name="Accept these terms")).to_be_visible()
    expect(phone.locator("#offer")).to_contain_text("1 × Barrier Serum 30 ml (BS-30)")
    phone.get_by_text("Counter-offer", exact=True).click()
    counter = phone.locator("form.offer-form")
    # The form starts from the brand's terms: change the fee and the usage only.
    expect(counter.locator("input[name=offer-fee]")).to_have_value("1500.00")
    counter.locator("input[name=offer-fee]").fill("1800")
    counter.locator("input[name=offer-usage_rights_days]").fill("30")
    counter.locator("textarea[name=offer-note]").fill(
        "Reels take two shoot days; 30 days of usage."
    )
    shots(phone, "creator-counter")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(phone.get_by_text("Counter-offer v2 sent")).to_be_visible()
    expect(phone.locator("#offer")).to_contain_text("Your counter-offer · v2")

    # The brand sees the counter with what changed, and accepts it.
    brand.goto(detail)
    offer_card = brand.locator("#offer")
    expect(offer_card).to_contain_text("Counter-offer from Dr Ana Ruiz")
    diff = offer_card.locator("table.offer-diff")
    expect(diff).to_contain_text("USD 1,500.00")
    expect(diff).to_contain_text("USD 1,800.00")
    expect(diff).to_contain_text("Usage rights")
    shots(brand, "brand-counter-diff")
    brand.get_by_role("button", name="Accept v2").click()
    expect(brand.locator(".flash__text", has_text="Offer v2 accepted")).to_be_visible()
    expect(brand.locator("#payments")).to_contain_text("USD 900.00")
    shots(brand, "brand-agreed")

    # The creator sees the agreed terms and the payment schedule.
    phone.reload()
    expect(phone.locator("#offer")).to_contain_text("Agreed terms · v2")
    schedule = phone.locator("#payments")
    expect(schedule).to_contain_text("USD 900.00")
    expect(schedule).to_contain_text("50% on signature, net 14 days")
    expect(schedule).to_contain_text("50% on publication, net 30 days")
    expect(phone.get_by_role("button", name="Accept these terms")).to_have_count(0)
    shots(phone, "creator-agreed")
    phone.get_by_role("link", name="Payments").click()
    expect(phone.locator(".portal-card")).to_have_count(2)

    with tenant_a.context():
        collaboration = Collaboration.objects.get(pk=collaboration.pk)
        assert collaboration.stage == Stage.AGREED
        assert collaboration.terms == Offer.objects.get(version=2, proposed_by="creator")
        assert PaymentItem.objects.filter(collaboration=collaboration).count() == 2

    # The brand revokes the link: the creator's next visit says so, with nothing else.
    brand.goto(detail)
    brand.on("dialog", lambda dialog: dialog.accept())
    brand.locator("#portal").get_by_role("button", name="Revoke").click()
    expect(brand.locator(".flash__text", has_text="Portal link revoked")).to_be_visible()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
    expect(phone.get_by_text("Dr Ana Ruiz")).to_have_count(0)
    shots(phone, "creator-link-revoked")
