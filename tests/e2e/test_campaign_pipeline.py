"""In real Chromium: create a campaign with KPI targets and a budget, add two creators
from discovery's bulk bar (the picker the campaigns app serves into the creators page),
move one by its card's button, another by dragging its card onto a column, and see an
illegal drop refused before it is sent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from campaigns.models import Collaboration, StageChange
from tests.creators.factories import make_creator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_campaign_board_by_buttons_and_drag(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        make_creator(org, name="Dr Ana Ruiz", role="kol", credentials="MD dermatologist",
                     niches=["skincare"])  # fmt: skip
        make_creator(org, name="Dr Ben Ode", role="kol", niches=["skincare"])
    page = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", tenant_a.member.email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/$"))

    page.goto(f"{site}/o/{org.slug}/campaigns/new/")
    page.fill("#id_name", "Barrier Serum launch")
    page.select_option("#id_objective", "awareness")
    # The KPI fields regroup for the objective (htmx): reach becomes a headline KPI.
    expect(page.locator("#kpi-section .form-grid").first).to_contain_text("Reach")
    page.fill("input[name=kpi-reach]", "250000")
    page.fill("input[name=budget-kol_fees]", "12000")
    page.fill("#id_target_countries", "US")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", name="Barrier Serum launch")).to_be_visible()
    expect(page.locator("#checklist")).to_contain_text("2 of 12 done")
    shots(page, "campaign")

    page.goto(f"{site}/o/{org.slug}/creators/?q=skincare")
    for box in page.locator("#results input[name=creator_ids]").all():
        box.check()
    picker = page.locator("#bulk select[name=campaign_id]")
    expect(picker).to_be_visible()  # loaded from the campaigns app
    picker.select_option(label="Barrier Serum launch")
    page.locator("#bulk").get_by_role("button", name="Add to campaign").click()
    expect(page.get_by_text("Barrier Serum launch: Added 2 creators.")).to_be_visible()

    page.goto(f"{site}/o/{org.slug}/campaigns/")
    page.get_by_role("link", name="Barrier Serum launch", exact=True).click()
    page.get_by_role("link", name="Pipeline", exact=True).click()
    shortlisted = page.locator(".board__column[data-stage=shortlisted]")
    expect(shortlisted.locator(".board__count")).to_have_text("2")
    ana = shortlisted.locator(".board-card", has_text="Dr Ana Ruiz")
    ana.get_by_role("button", name="→ Invited").click()
    expect(page.get_by_text("Dr Ana Ruiz moved to Invited.")).to_be_visible()
    invited = page.locator(".board__column[data-stage=invited]")
    expect(invited).to_contain_text("Dr Ana Ruiz")

    # Drag Ben's card straight to Agreed: not a legal move, so nothing is sent.
    ben = page.locator(".board-card", has_text="Dr Ben Ode")
    ben.drag_to(page.locator(".board__column[data-stage=agreed]"))
    expect(page.locator(".board__column[data-stage=shortlisted]")).to_contain_text("Dr Ben Ode")
    # Drag it to Invited: legal, posted through the same form as the buttons.
    ben.drag_to(invited)
    expect(page.get_by_text("Dr Ben Ode moved to Invited.")).to_be_visible()
    expect(page.locator(".board__column[data-stage=invited] .board__count")).to_have_text("2")
    shots(page, "board")

    with tenant_a.context():
        assert set(Collaboration.objects.values_list("stage", flat=True)) == {"invited"}
        assert StageChange.objects.filter(to_stage="invited", by=tenant_a.member).count() == 2
