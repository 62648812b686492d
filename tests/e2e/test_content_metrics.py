"""In real Chromium: a brand member opens a campaign's Content metrics tab, sees the live
post's reported figures with their source, enters a snapshot read from a screenshot (the
figure and its provenance change, the history grows), adds brand and competitor keywords,
pastes a transcript, and reads the share of voice. Screenshots: test-results/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.campaigns.factories import make_campaign
from tests.e2e.test_portal_offer import log_in
from tests.tracking.metrics_world import published_posts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_content_metrics_and_share_of_voice(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow launch")
        (post,) = published_posts(org, campaign, figures={"reach": 12000, "likes": 300},
                                  captions=["Zebra serum, finally #ad"])  # fmt: skip
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, site, tenant_a.member.email)
    page.goto(f"{site}/o/{org.slug}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Content metrics").click()

    card = page.locator(f"[data-live-post='{post.pk}']")
    reach = card.locator("tr[data-figure='reach']")
    expect(reach).to_contain_text("12,000")
    expect(reach).to_contain_text("Read from a screenshot")
    expect(card.locator("tr[data-figure='engagement_rate']")).to_contain_text("2.5%")

    card.get_by_text("Add a snapshot").click()
    form = card.locator("[data-snapshot-form]")
    form.get_by_label("Observed at").fill("2026-01-20T09:15")
    form.get_by_label("Reach").fill("15000")
    form.get_by_label("Saves").fill("120")
    form.get_by_label("Note").fill("Insights screenshot from the creator")
    shots(page, "snapshot-form")
    form.get_by_role("button", name="Add snapshot").click()
    expect(page.get_by_text("Snapshot added.")).to_be_visible()
    card = page.locator(f"[data-live-post='{post.pk}']")
    # The report came later than Jan 20, so it stays the latest reach; saves are new.
    expect(card.locator("tr[data-figure='reach']")).to_contain_text("12,000")
    saves = card.locator("tr[data-figure='saves']")
    expect(saves).to_contain_text("120")
    expect(saves).to_contain_text(tenant_a.member.display_name)
    card.get_by_text("Snapshot history").click()
    expect(card.locator("[data-snapshot]")).to_have_count(2)

    keyword_form = page.locator("[data-keyword-form]")
    keyword_form.get_by_label("Keyword").fill("Zebra")
    keyword_form.get_by_role("button", name="Add keyword").click()
    expect(page.get_by_text("Keyword “Zebra” added.")).to_be_visible()
    keyword_form = page.locator("[data-keyword-form]")
    keyword_form.get_by_label("Keyword").fill("Nivea")
    keyword_form.get_by_label("Counts for").select_option(label="A competitor")
    keyword_form.get_by_label("Label").fill("Beiersdorf")
    keyword_form.get_by_role("button", name="Add keyword").click()
    expect(page.locator("[data-share-of-voice]")).to_contain_text("100.0%")

    card = page.locator(f"[data-live-post='{post.pk}']")
    card.get_by_text("Transcript").first.click()
    card.get_by_label("What is said in the post").fill("Nivea? Zebra. Honestly, NIVEA.")
    card.get_by_role("button", name="Save transcript").click()
    expect(page.get_by_text("Transcript saved.")).to_be_visible()
    # Caption: 1 Zebra; transcript: 1 Zebra, 2 Nivea → 2 / 4.
    expect(page.locator("[data-share-of-voice]")).to_contain_text("50.0%")
    expect(page.locator("tr[data-label='Beiersdorf']")).to_contain_text("50.0%")
    shots(page, "share-of-voice")
