"""In real Chromium, two browser contexts: the brand ticks two shortlisted creators on the
Creators tab → the preview shows each one's pitch → the brand edits one to mention the
creator's specific work → sends both → the creator opens their invite link from the dev
outbox on a phone, reads the pitch in the thread and replies → the brand sees the reply
(with its unread badge) on the collaboration page. Screenshots: test-results/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from kolhub.models import OutboxEmail
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    # Emails sent by the (eager) tasks link back to this live server.
    settings.SITE_URL = live_server.url
    return live_server.url


def test_pitch_two_creators_and_the_reply_reaches_the_brand(site, browser: Browser, shots,
                                                           tenant_a):  # fmt: skip
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch", products=[
            {"name": "Barrier Serum 30 ml", "sku": "BS-30", "unit_cost": "6.40",
             "price": "38.00"}])  # fmt: skip
        ana = make_collaboration(org, campaign, creator=make_creator(
            org, name="Dr Ana Ruiz", email="ana@ruiz.test", profession="Dermatologist",
            accounts=[{"platform": "youtube", "handle": "drana", "followers": 90_000,
                       "url": "https://youtube.com/@drana"}]))  # fmt: skip
        ben = make_collaboration(org, campaign, creator=make_creator(
            org, name="Ben Okoro", email="ben@okoro.test"))  # fmt: skip
    campaign_url = f"{site}/o/{org.slug}/campaigns/{campaign.pk}"

    brand = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(brand, site, tenant_a.member.email)
    brand.goto(f"{campaign_url}/collaborations/")
    brand.get_by_label("Select Dr Ana Ruiz to pitch").check()
    brand.get_by_label("Select Ben Okoro to pitch").check()
    brand.get_by_role("button", name="Pitch selected").click()

    expect(brand.get_by_role("heading", name="Personalised pitches")).to_be_visible()
    ana_body = brand.locator(f"textarea[name=body-{ana.pk}]")
    ben_body = brand.locator(f"textarea[name=body-{ben.pk}]")
    expect(ana_body).to_contain_text("your YouTube @drana (https://youtube.com/@drana)")
    expect(ben_body).to_contain_text("Hi Ben,")
    # Mention her specific work: edit Ana's pitch only.
    text = ana_body.input_value().replace(
        "Hi Dr Ana Ruiz,", "Hi Dr Ana Ruiz,\n\nYour ceramide myth-busting video was brilliant."
    )
    ana_body.fill(text)
    shots(brand, "brand-pitch-preview")
    brand.get_by_role("button", name="Send 2 pitches").click()
    expect(brand.locator(".flash__text", has_text="Pitch sent to Ben Okoro, Dr Ana Ruiz.")
           ).to_be_visible()  # fmt: skip
    shots(brand, "brand-pitched")
    with tenant_a.context():
        assert set(Collaboration.objects.values_list("stage", flat=True)) == {Stage.INVITED}
    ben_mail = OutboxEmail.objects.get(to="ben@okoro.test")
    assert "ceramide myth-busting" not in ben_mail.body_text

    # The creator, on a phone, opens the invite link from the dev outbox.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(f"{site}/dev/outbox/")
    phone.locator("tr", has_text="ana@ruiz.test").get_by_role("link").first.click()
    expect(phone.get_by_text("Your ceramide myth-busting video was brilliant.")).to_be_visible()
    invite = phone.locator("a", has_text=re.compile(r"/p/[A-Za-z0-9_-]{43}/c/")).first
    href = invite.get_attribute("href")
    assert href.startswith(f"{site}/p/")
    shots(phone, "creator-outbox-email")
    phone.goto(href)
    thread = phone.locator("#messages")
    expect(thread).to_contain_text("Your ceramide myth-busting video was brilliant.")
    expect(thread).to_contain_text("[your portal link]")
    phone.locator("#message-body").fill("Thank you! <b>Yes</b>, I'd love to try the serum.")
    shots(phone, "creator-reply")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".flash__text", has_text="has been emailed")).to_be_visible()
    expect(thread).to_contain_text("Thank you! <b>Yes</b>, I'd love to try the serum.")
    shots(phone, "creator-replied")

    # The brand was emailed, and sees the reply on the collaboration page.
    assert OutboxEmail.objects.filter(to=tenant_a.member.email,
                                      subject__contains="Dr Ana Ruiz replied").exists()  # fmt: skip
    brand.goto(f"{campaign_url}/")
    expect(brand.locator("#outreach")).to_contain_text("1 new")
    brand.locator("#outreach").get_by_role("link", name="Dr Ana Ruiz").click()
    messages = brand.locator("#messages")
    expect(messages).to_contain_text("Thank you! <b>Yes</b>, I'd love to try the serum.")
    expect(messages.locator("[data-unread]")).to_have_text("1 new")
    shots(brand, "brand-sees-reply")
    messages.locator("#message-body").fill("Wonderful, an offer follows today.")
    messages.get_by_role("button", name="Send message").click()
    expect(brand.locator(".flash__text", has_text="Message sent to Dr Ana Ruiz")).to_be_visible()
    phone.reload()
    expect(phone.locator("#messages")).to_contain_text("Wonderful, an offer follows today.")
    shots(phone, "creator-sees-answer")
