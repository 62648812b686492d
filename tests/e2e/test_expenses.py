"""In real Chromium on a phone: a member opens the campaign page, adds an expense to the
Budget card (first with an amount of 0, refused next to its field), sees the budget's
amplification row commit it, marks it paid with a reference and sees it spent.
Screenshots: test-results/e2e/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.e2e.test_portal_offer import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_and_pay_an_expense_on_a_phone(live_server, browser: Browser, shots, tenant_a):
    site, org = live_server.url, tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch", currency="USD", budget_lines=[
            {"category": "amplification", "planned_amount": Decimal("2000")}])  # fmt: skip
        make_collaboration(org, campaign, creator=make_creator(org, name="Dr Ana Ruiz"))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()  # fmt: skip
    log_in(phone, site, tenant_a.member.email)
    phone.goto(f"{site}/o/{org.slug}/campaigns/{campaign.pk}/")
    card = phone.locator("#expenses")
    expect(card).to_contain_text("No expenses recorded yet.")
    card.get_by_text("Add expense").first.click()
    card.locator("select[name=category]").select_option("amplification")
    card.locator("input[name=description]").fill("Spark Ads on Ana's reel")
    card.locator("input[name=amount]").fill("0")
    card.locator("select[name=collaboration]").select_option(label="Dr Ana Ruiz")
    card.get_by_role("button", name="Add expense").click()
    expect(phone.locator("#expenses .field--error")).to_contain_text("more than 0")
    shots(phone, "expense-amount-refused")
    phone.locator("#expenses input[name=amount]").fill("450")
    phone.locator("#expenses").get_by_role("button", name="Add expense").click()
    expect(phone.get_by_text("Expense “Spark Ads on Ana's reel” recorded.")).to_be_visible()
    row = phone.locator("#expenses tr[data-expense]")
    expect(row).to_have_attribute("data-status", "committed")
    amplification = phone.locator("tr", has=phone.locator("th", has_text="Amplification spend"))
    expect(amplification).to_contain_text("450.00")
    expect(amplification).to_contain_text("22.5%")
    shots(phone, "expense-committed")
    row.locator("input[name=reference]").fill("ADS-INV-7")
    row.get_by_role("button", name="Mark paid").click()
    expect(phone.locator("#expenses tr[data-expense]")).to_have_attribute("data-status", "paid")
    expect(phone.locator("#expenses")).to_contain_text("ADS-INV-7")
    cells = phone.locator("tr", has=phone.locator("th", has_text="Amplification spend"))
    expect(cells.locator("td").nth(2)).to_contain_text("450.00")  # spent
    shots(phone, "expense-paid")
