"""In real Chromium, two browser contexts: the brand writes and publishes a brief that
requires "#ad" → the creator reads it on a phone and acknowledges it → submits a draft
(an image) whose caption forgets "#ad" → the brand sees the failed disclosure check and
requests a change → the creator sees the feedback and resubmits with "#ad" → the brand
approves → the creator reports the live URL, figures and a screenshot → the
collaboration is published and the "on publication" payment is due. Screenshots:
test-results/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from campaigns.models import BriefAcknowledgement, Collaboration, LivePost, PaymentItem
from campaigns.pipeline import Stage
from tests.campaigns.content_factories import png_bytes, shipped_collaboration
from tests.campaigns.factories import make_campaign
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in
from tests.portal.factories import portal_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_brief_draft_review_and_live_post(live_server, browser: Browser, shots, tenant_a,
                                          tmp_path):  # fmt: skip
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch")
        creator = make_creator(org, name="Dr Ana Ruiz", role="kol")
        collaboration = shipped_collaboration(org, campaign, creator=creator)
    portal = portal_for(tenant_a, creator)
    draft_file = tmp_path / "draft.png"
    draft_file.write_bytes(png_bytes(size=(120, 200)))
    shot_file = tmp_path / "insights.png"
    shot_file.write_bytes(png_bytes(size=(90, 160), color=(240, 240, 240)))
    detail = f"{site}/o/{org.slug}/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/"

    # The brand writes the brief and publishes it.
    brand = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(brand, site, tenant_a.member.email)
    brand.goto(f"{site}/o/{org.slug}/campaigns/{campaign.pk}/")
    brand.get_by_role("link", name="Brief", exact=True).click()
    form = brand.locator("form.brief-form")
    form.locator("textarea[name=goals]").fill("Explain how the serum repairs the barrier.")
    form.locator("textarea[name=disclosures]").fill("#ad")
    form.locator("textarea[name=mentions]").fill("@barrierlab")
    form.get_by_role("button", name="Save draft").click()
    expect(brand.get_by_text("Draft saved.")).to_be_visible()
    brand.get_by_role("button", name="Publish v1").click()
    expect(brand.get_by_text("Brief v1 published")).to_be_visible()
    shots(brand, "brand-brief-published")

    # The creator, on a phone, reads and acknowledges it.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(f"{site}{portal.collaboration(collaboration)}")
    brief = phone.locator("#brief")
    expect(brief).to_contain_text("Creative brief · v1")
    expect(brief).to_contain_text("Disclosure #ad within the first 125 characters")
    brief.get_by_role("button", name="I have read brief v1").click()
    expect(phone.get_by_text("you acknowledged brief v1")).to_be_visible()
    shots(phone, "creator-brief-acknowledged")

    # A first draft that forgets the disclosure.
    content = phone.locator("#content")
    content.get_by_text("Submit a draft").click()
    submission = content.locator("form.submission-form")
    submission.locator("input[name=file]").set_input_files(str(draft_file))
    submission.locator("textarea[name=caption]").fill(
        "Two weeks with @barrierlab and my skin barrier feels brand new."
    )
    submission.get_by_role("button", name="Send for review").click()
    expect(phone.get_by_text("The disclosure check found something to fix")).to_be_visible()
    expect(phone.locator("#content [data-check=fail]")).to_contain_text("#ad is missing")
    shots(phone, "creator-draft-failed-check")

    # The brand sees the failed check and asks for the change.
    brand.goto(detail)
    section = brand.locator("#content")
    expect(section.locator("[data-check=fail]")).to_contain_text("#ad is missing")
    expect(section.locator("[data-check=pass]")).to_contain_text("@barrierlab")
    expect(section.get_by_role("link", name="draft.png")).to_be_visible()
    section.locator("textarea[name=comment]").fill("Please put #ad at the very start.")
    shots(brand, "brand-review-failed-check")
    section.get_by_role("button", name="Request changes").click()
    expect(brand.locator(".flash__text", has_text="Changes requested on round 1")).to_be_visible()

    # The creator sees the feedback and resubmits with #ad.
    phone.reload()
    expect(phone.locator("#content")).to_contain_text("Please put #ad at the very start.")
    resubmit = phone.locator("#content form.submission-form")
    expect(resubmit).to_be_visible()  # opened for them, with their caption to fix
    resubmit.locator("input[name=file]").set_input_files(str(draft_file))
    resubmit.locator("textarea[name=caption]").fill(
        "#ad Two weeks with @barrierlab and my skin barrier feels brand new."
    )
    resubmit.get_by_role("button", name="Send for review").click()
    expect(phone.get_by_text(re.compile(r"Round 2 of .* sent for review\."))).to_be_visible()
    shots(phone, "creator-resubmitted")

    # The brand approves round 2.
    brand.goto(detail)
    section = brand.locator("#content")
    expect(section.locator("[data-round='2'] [data-check=fail]")).to_have_count(0)
    section.get_by_role("button", name="Approve round 2").click()
    expect(brand.locator(".flash__text", has_text="Round 2 approved")).to_be_visible()
    expect(brand.locator(".stage-pill").first).to_contain_text("Approved")

    # The creator reports the live post, its figures and a screenshot.
    phone.reload()
    live = phone.locator("#content form.live-form")
    expect(live).to_be_visible()
    live.locator("input[name=url]").fill("https://www.instagram.com/p/serum-live/")
    for name, value in {"reach": "18000", "impressions": "26000", "likes": "1400",
                        "comments": "85", "shares": "40", "saves": "210",
                        "views": "31000"}.items():  # fmt: skip
        live.locator(f"input[name={name}]").fill(value)
    live.locator("input[name=screenshot]").set_input_files(str(shot_file))
    shots(phone, "creator-live-form")
    live.get_by_role("button", name="Send live post and figures").click()
    expect(phone.get_by_text("is recorded as live")).to_be_visible()
    expect(phone.locator(".stage-pill").first).to_contain_text("Published")

    # The brand sees the figures, the collaboration published, and verifies.
    brand.goto(detail)
    expect(brand.locator(".stage-pill").first).to_contain_text("Published")
    expect(brand.locator("#content .figures")).to_contain_text("18000")
    brand.get_by_role("button", name="Mark figures verified").click()
    expect(brand.locator("#content")).to_contain_text("Verified")
    shots(brand, "brand-published")

    with tenant_a.context():
        collaboration = Collaboration.objects.get(pk=collaboration.pk)
        assert collaboration.stage == Stage.PUBLISHED
        assert BriefAcknowledgement.objects.get().version.number == 1
        assert LivePost.objects.get().verified
        assert PaymentItem.objects.get(collaboration=collaboration,
                                       trigger="on_publication").status == "due"  # fmt: skip
