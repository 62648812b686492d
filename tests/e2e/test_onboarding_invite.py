"""In real Chromium: sign up → verify email from the outbox → onboarding creates the
organization → invite a teammate → the teammate opens the invitation from the outbox in
a second browser context, signs up and joins → both see the organization; a member of
another brand gets 404 on the first brand's pages. Screenshots: test-results/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from kolhub.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Chromium-proof-2026"


@pytest.fixture
def site(live_server, settings):
    # Emails sent by the (eager) tasks link back to this live server.
    settings.SITE_URL = live_server.url
    return live_server.url


def open_latest_email(page: Page, site: str, to: str, subject_part: str) -> None:
    page.goto(f"{site}/dev/outbox/")
    row = page.locator("tr", has_text=to).filter(has_text=subject_part).first
    row.get_by_role("link").first.click()
    expect(page.get_by_text(subject_part).first).to_be_visible()


def follow_link_in_email(page: Page, pattern: str) -> str:
    link = page.locator("a", has_text=re.compile(pattern)).first
    href = link.get_attribute("href")
    page.goto(href)
    return href


def sign_up(page: Page, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").last.click()


def test_signup_onboarding_invite_accept_and_isolation(site, browser: Browser, shots, tenant_b):
    founder = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    founder.goto(site)
    shots(founder, "landing")
    founder.get_by_role("link", name=re.compile("create account|sign up", re.I)).first.click()
    sign_up(founder, "founder@aurora.test")
    expect(founder.get_by_text(re.compile("verify", re.I)).first).to_be_visible()
    shots(founder, "verify-sent")

    open_latest_email(founder, site, "founder@aurora.test", "Confirm")
    follow_link_in_email(founder, r"/accounts/confirm-email/")
    founder.locator("form button[type=submit]").last.click()  # "Confirm"

    expect(founder).to_have_url(re.compile(r"/onboarding/$"))
    shots(founder, "onboarding")
    founder.fill("input[name=name]", "Aurora Derm Lab")
    founder.select_option("select[name=default_currency]", "EUR")
    founder.locator("form button[type=submit]").last.click()
    expect(founder).to_have_url(re.compile(r"/o/aurora-derm-lab/$"))
    expect(founder.get_by_role("heading", name=re.compile("Aurora Derm Lab"))).to_be_visible()
    shots(founder, "dashboard")

    founder.goto(f"{site}/o/aurora-derm-lab/settings/members/")
    founder.fill("input[name=email]", "teammate@aurora.test")
    founder.select_option("select[name=role]", Role.MEMBER)
    founder.get_by_role("button", name=re.compile("Send invitation")).click()
    expect(founder.get_by_text("Invitation sent to teammate@aurora.test")).to_be_visible()
    shots(founder, "invited")

    teammate = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    open_latest_email(teammate, site, "teammate@aurora.test", "invited")
    shots(teammate, "invitation-email")
    follow_link_in_email(teammate, r"/invitations/")
    expect(teammate.get_by_text("Aurora Derm Lab").first).to_be_visible()
    shots(teammate, "invitation-page")
    teammate.locator("#main").get_by_role("link", name="Create account").click()
    sign_up(teammate, "teammate@aurora.test")
    # The invitation link proved the address: no second verification, straight back.
    teammate.get_by_role("button", name=re.compile("Join Aurora Derm Lab")).click()
    expect(teammate).to_have_url(re.compile(r"/o/aurora-derm-lab/$"))
    expect(teammate.get_by_role("heading", name=re.compile("Aurora Derm Lab"))).to_be_visible()
    shots(teammate, "teammate-dashboard-phone")

    founder.goto(f"{site}/o/aurora-derm-lab/settings/members/")
    expect(founder.get_by_text("teammate@aurora.test").first).to_be_visible()
    shots(founder, "members-both")

    # A member of the other brand: 404 on every Aurora page, and not a word of it.
    outsider = browser.new_context().new_page()
    outsider.goto(f"{site}/accounts/login/")
    outsider.fill("input[name=login]", tenant_b.owner.email)
    outsider.fill("input[name=password]", "pw-for-tests-1")
    outsider.locator("form button[type=submit]").last.click()
    expect(outsider).to_have_url(re.compile(rf"/o/{tenant_b.organization.slug}/$"))
    for path in ["", "settings/members/", "settings/api-keys/", "creators/"]:
        response = outsider.goto(f"{site}/o/aurora-derm-lab/{path}")
        assert response.status == 404, path
        assert "Aurora" not in outsider.content()
        assert "teammate@aurora.test" not in outsider.content()
    shots(outsider, "outsider-404")
