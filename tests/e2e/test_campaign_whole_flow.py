"""The whole of a collaboration in real Chromium, brand and creator in two browser
contexts (issue 4's end-to-end flow): the brand creates a campaign with KPI targets, a
budget and a product → writes and publishes the brief → adds two creators from discovery
→ sends them personalised pitches, and an offer to one → the creator opens the invite
link from the outbox on a phone and counters → the brand accepts → the brand marks it
contracted → the creator enters a shipping address → the brand ships with a tracking
number → the creator submits a draft → the disclosure check flags the missing #ad and
the brand requests a change → the creator resubmits → the brand approves → the creator
reports the live URL and figures → the first payment is due, on both sides.
Screenshots: test-results/e2e/test_the_whole_collaboration-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from campaigns.models import Collaboration, PaymentItem, Shipment, StageChange
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from tests.campaigns.content_factories import png_bytes
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    # Emails sent by the (eager) tasks link back to this live server.
    settings.SITE_URL = live_server.url
    return live_server.url


def test_the_whole_collaboration(site, browser: Browser, shots, tenant_a, tmp_path):
    org = tenant_a.organization
    with tenant_a.context():
        make_creator(org, name="Dr Ana Ruiz", role="kol", email="ana@ruiz.test",
                     credentials="MD, board-certified dermatologist", niches=["skincare"],
                     accounts=[{"platform": "instagram", "handle": "drana", "followers": 15_000,
                                "url": "https://instagram.com/drana"}])  # fmt: skip
        make_creator(org, name="Ben Okoro", email="ben@okoro.test", niches=["skincare"])
        due = organization_today(org) + timedelta(days=21)
    draft_file = tmp_path / "draft.png"
    draft_file.write_bytes(png_bytes(size=(120, 200)))
    proof_file = tmp_path / "insights.png"
    proof_file.write_bytes(png_bytes(size=(90, 160), color=(240, 240, 240)))

    brand = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(brand, site, tenant_a.member.email)

    # 1. The campaign: objective, KPI targets, budget and the product to send.
    brand.goto(f"{site}/o/{org.slug}/campaigns/new/")
    brand.fill("#id_name", "Barrier Serum launch")
    brand.select_option("#id_objective", "awareness")
    expect(brand.locator("#kpi-section .form-grid").first).to_contain_text("Reach")
    brand.fill("input[name=kpi-reach]", "250000")
    brand.fill("input[name=budget-kol_fees]", "12000")
    brand.fill("input[name=budget-product_cost]", "500")
    brand.fill("input[name=budget-shipping]", "200")
    brand.fill("#id_target_countries", "US")
    brand.fill("input[name=products-0-name]", "Barrier Serum 30 ml")
    brand.fill("input[name=products-0-sku]", "BS-30")
    brand.fill("input[name=products-0-unit_cost]", "6.40")
    brand.fill("input[name=products-0-price]", "38.00")
    brand.get_by_role("button", name="Create campaign").click()
    expect(brand.get_by_role("heading", name="Barrier Serum launch")).to_be_visible()
    campaign_url = brand.url.rstrip("/")
    shots(brand, "brand-campaign")

    # 2. The brief, requiring #ad.
    brand.get_by_role("link", name="Brief", exact=True).click()
    form = brand.locator("form.brief-form")
    form.locator("textarea[name=goals]").fill("Explain how the serum repairs the barrier.")
    form.locator("textarea[name=disclosures]").fill("#ad")
    form.get_by_role("button", name="Save draft").click()
    expect(brand.get_by_text("Draft saved.")).to_be_visible()
    brand.get_by_role("button", name="Publish v1").click()
    expect(brand.get_by_text("Brief v1 published")).to_be_visible()
    shots(brand, "brand-brief")

    # 3. Two creators from discovery.
    brand.goto(f"{site}/o/{org.slug}/creators/?q=skincare")
    for box in brand.locator("#results input[name=creator_ids]").all():
        box.check()
    brand.locator("#bulk select[name=campaign_id]").select_option(label="Barrier Serum launch")
    brand.locator("#bulk").get_by_role("button", name="Add to campaign").click()
    expect(brand.get_by_text("Barrier Serum launch: Added 2 creators.")).to_be_visible()

    # 4. Personalised pitches: mention Ana's own work, then send both.
    brand.goto(f"{campaign_url}/collaborations/")
    brand.get_by_label("Select Dr Ana Ruiz to pitch").check()
    brand.get_by_label("Select Ben Okoro to pitch").check()
    brand.get_by_role("button", name="Pitch selected").click()
    with tenant_a.context():
        ana = Collaboration.objects.get(creator__name="Dr Ana Ruiz")
    ana_body = brand.locator(f"textarea[name=body-{ana.pk}]")
    ana_body.fill(ana_body.input_value().replace(
        "Hi Dr Ana Ruiz,", "Hi Dr Ana Ruiz,\n\nYour post on ceramides and the skin barrier "
        "is exactly the science we want to share."))  # fmt: skip
    shots(brand, "brand-pitches")
    brand.get_by_role("button", name="Send 2 pitches").click()
    expect(brand.locator(".flash__text", has_text="Pitch sent to")).to_be_visible()

    # 5. An offer to Ana: a reel, half on signature and half on publication.
    detail = f"{campaign_url}/collaborations/{ana.pk}/"
    brand.goto(detail)
    offer = brand.locator("form.offer-form")
    offer.locator("input[name=offer-fee]").fill("1500")
    offer.locator("input[name=offer-usage_rights_days]").fill("90")
    offer.locator("input[name=offer-usage_channels]").fill("brand Instagram")
    offer.locator("select[name=offer-deliverables-0-platform]").select_option("instagram")
    offer.locator("select[name=offer-deliverables-0-kind]").select_option("reel")
    offer.locator("input[name=offer-deliverables-0-quantity]").fill("1")
    offer.locator("input[name=offer-deliverables-0-due_date]").fill(due.isoformat())
    offer.locator("input[name=offer-installments-0-percent]").fill("50")
    offer.locator("select[name=offer-installments-0-trigger]").select_option("on_signature")
    offer.locator("input[name=offer-installments-0-net_days]").fill("14")
    offer.locator("[data-add-row=offer-installments]").click()
    offer.locator("input[name=offer-installments-1-percent]").fill("50")
    offer.locator("select[name=offer-installments-1-trigger]").select_option("on_publication")
    offer.locator("input[name=offer-installments-1-net_days]").fill("30")
    offer.locator("select[name=offer-gifts-0-product]").select_option(label="Barrier Serum 30 ml")
    offer.get_by_role("button", name="Send offer").click()
    expect(brand.get_by_text("Offer v1 sent to Dr Ana Ruiz.")).to_be_visible()

    # 6. Ana, on a phone, opens the invite from the outbox and counters.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    phone.goto(f"{site}/dev/outbox/")
    phone.locator("tr", has_text="ana@ruiz.test").get_by_role("link").first.click()
    expect(phone.get_by_text("ceramides and the skin barrier")).to_be_visible()
    href = phone.locator("a", has_text=re.compile(r"/p/[A-Za-z0-9_-]{43}/")).first.get_attribute(
        "href"
    )
    phone.goto(href)
    shots(phone, "creator-invite")
    expect(phone.get_by_role("button", name="Accept these terms")).to_be_visible()
    phone.get_by_text("Counter-offer", exact=True).click()
    counter = phone.locator("form.offer-form")
    counter.locator("input[name=offer-fee]").fill("1800")
    counter.locator("textarea[name=offer-note]").fill("A reel takes two shoot days.")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(phone.get_by_text("Counter-offer v2 sent")).to_be_visible()
    portal_page = phone.url
    shots(phone, "creator-counter")

    # 7. The brand accepts v2, and marks the contract signed.
    brand.goto(detail)
    expect(brand.locator("#offer table.offer-diff")).to_contain_text("USD 1,800.00")
    brand.get_by_role("button", name="Accept v2").click()
    expect(brand.locator(".flash__text", has_text="Offer v2 accepted")).to_be_visible()
    brand.get_by_role("button", name="Contracted", exact=True).click()
    expect(brand.locator(".stage-pill").first).to_contain_text("Contracted")
    shots(brand, "brand-contracted")

    # 8. Ana gives her address (a bad ZIP first).
    phone.goto(portal_page)
    address = phone.locator("#shipping form")
    address.locator("input[name=name]").fill("Ana Ruiz")
    address.locator("select[name=country]").select_option("US")
    address.locator("textarea[name=street_address]").fill("1600 Amphitheatre Pkwy")
    address.locator("input[name=city]").fill("Mountain View")
    address.locator("input[name=country_area]").fill("CA")
    address.locator("input[name=postal_code]").fill("9404")
    address.get_by_role("button", name="Save address").click()
    expect(phone.locator("#shipping")).to_contain_text("Not a valid ZIP code")
    phone.locator("#shipping input[name=postal_code]").fill("94043")
    phone.locator("#shipping").get_by_role("button", name="Save address").click()
    expect(phone.get_by_text("Address saved")).to_be_visible()

    # 9. The brand ships with a tracking number; in transit = product shipped.
    brand.goto(detail)
    shipping = brand.locator("#shipping")
    shipping.get_by_text("New shipment").click()
    shipping.locator("input[name^=qty_]").fill("2")
    shipping.locator("select[name=carrier]").select_option("ups")
    shipping.locator("input[name=tracking_number]").fill("1Z999AA10123456784")
    shipping.locator("input[name=cost]").fill("12.50")
    shipping.get_by_role("button", name="Create shipment").click()
    expect(brand.get_by_text(re.compile("Shipment UPS 1Z999AA10123456784 created"))).to_be_visible()
    row = brand.locator("#shipping li.shipment")
    row.locator("select[name=status]").select_option("in_transit")
    row.get_by_role("button", name="Update status").click()
    expect(brand.locator(".stage-pill").first).to_contain_text("Product shipped")
    shots(brand, "brand-shipped")

    # 10. Ana reads the brief and sends a draft that forgets #ad.
    phone.goto(portal_page)
    expect(phone.locator("#shipping li[data-shipment]")).to_contain_text("In transit")
    phone.locator("#brief").get_by_role("button", name="I have read brief v1").click()
    content = phone.locator("#content")
    content.get_by_text("Submit a draft").click()
    draft = content.locator("form.submission-form")
    draft.locator("input[name=file]").set_input_files(str(draft_file))
    draft.locator("textarea[name=caption]").fill("Two weeks in and my skin barrier feels new.")
    draft.get_by_role("button", name="Send for review").click()
    expect(phone.locator("#content [data-check=fail]")).to_contain_text("#ad is missing")
    shots(phone, "creator-draft")

    # 11. The brand sees the failed check and asks for the change.
    brand.goto(detail)
    review = brand.locator("#content")
    expect(review.locator("[data-check=fail]")).to_contain_text("#ad is missing")
    review.locator("textarea[name=comment]").fill("Please put #ad at the very start.")
    shots(brand, "brand-review")
    review.get_by_role("button", name="Request changes").click()
    expect(brand.locator(".flash__text", has_text="Changes requested on round 1")).to_be_visible()

    # 12. Ana resubmits with #ad; the brand approves.
    phone.goto(portal_page)
    expect(phone.locator("#content")).to_contain_text("Please put #ad at the very start.")
    again = phone.locator("#content form.submission-form")
    again.locator("input[name=file]").set_input_files(str(draft_file))
    again.locator("textarea[name=caption]").fill("#ad Two weeks in and my skin barrier feels new.")
    again.get_by_role("button", name="Send for review").click()
    expect(phone.get_by_text(re.compile(r"Round 2 of .* sent for review\."))).to_be_visible()
    brand.goto(detail)
    brand.locator("#content").get_by_role("button", name="Approve round 2").click()
    expect(brand.locator(".stage-pill").first).to_contain_text("Approved")

    # 13. Ana reports the live post and its figures, with a screenshot.
    phone.goto(portal_page)
    live = phone.locator("#content form.live-form")
    live.locator("input[name=url]").fill("https://www.instagram.com/p/serum-live/")
    for name, value in {"reach": "18000", "impressions": "26000", "likes": "1400",
                        "comments": "85", "shares": "40", "saves": "210",
                        "views": "31000"}.items():  # fmt: skip
        live.locator(f"input[name={name}]").fill(value)
    live.locator("input[name=screenshot]").set_input_files(str(proof_file))
    live.get_by_role("button", name="Send live post and figures").click()
    expect(phone.locator(".stage-pill").first).to_contain_text("Published")

    # 14. The first payment is due: Ana sees it, and so does the brand.
    phone.get_by_role("link", name="Payments").click()
    expect(phone.locator(".portal-card").first).to_contain_text("USD 900.00")
    expect(phone.locator("body")).to_contain_text("Due")
    shots(phone, "creator-payments")
    brand.goto(detail)
    expect(brand.locator("#payments")).to_contain_text("USD 900.00")
    shots(brand, "brand-published")

    with tenant_a.context():
        ana = Collaboration.objects.get(pk=ana.pk)
        assert ana.stage == Stage.PUBLISHED
        first = PaymentItem.objects.get(collaboration=ana, trigger="on_signature")
        assert first.status == "due" and first.amount == 900
        assert Shipment.objects.get(collaboration=ana).tracking_number == "1Z999AA10123456784"
        # Every step went through the pipeline, in order, none skipped.
        stages = list(StageChange.objects.filter(collaboration=ana).order_by("pk")
                      .values_list("to_stage", flat=True))  # fmt: skip
        assert stages == [Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING, Stage.AGREED,
                          Stage.CONTRACTED, Stage.PRODUCT_SHIPPED, Stage.CONTENT_IN_REVIEW,
                          Stage.APPROVED, Stage.PUBLISHED]  # fmt: skip
