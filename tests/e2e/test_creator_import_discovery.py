"""In real Chromium with a real Celery worker: upload a CSV, map its columns, watch the
progress bar finish, filter to credentialed dermatologists in the US with ≥ 3 %
engagement, open one, see the scorecard, add two to a shortlist."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from creators.models import CreatorList
from kolhub.models import Role
from tests.kolhub.test_worker import live_worker  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEADER = ("Full name,Role,Profession,Credentials,Country,City,Niches,Platform,Instagram handle,"
          "Follower count,Engagement %,Audience countries\n")  # fmt: skip
ROWS = [
    'Dr Ana Ruiz,kol,Dermatologist,"MD, board-certified dermatologist",US,Austin,skincare;acne,'
    "instagram,@dr.ana.skin,15000,4.8,US:62;CA:8",
    'Dr Ben Ode,kol,Dermatologist,"MD, FAAD dermatologist",US,Miami,skincare,instagram,'
    "benode_md,42000,3.6,US:70",
    "Dr Cara Lin,kol,Dermatologist,MD dermatologist,US,Boston,acne,tiktok,caralin,9000,2.1,US:80",
    "Dr Dee Park,kol,Dermatologist,MD dermatologist,GB,London,skincare,instagram,deepark,"
    "30000,5.0,GB:70",
    "Glam Life,influencer,,,US,LA,lifestyle,instagram,glamlife,1000000,0.9,US:30",
    "Bad Row,kol,,,US,,,instagram,badrow,-5,4,US:40",
]


def test_import_then_discover_score_and_shortlist(
    live_server,
    live_worker,  # noqa: F811 (the fixture imported above)
    browser: Browser,
    shots,
    tenant_a,
    tmp_path,
):
    site, slug = live_server.url, tenant_a.organization.slug
    csv_path = tmp_path / "kols.csv"
    csv_path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8-sig")  # with a BOM

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", tenant_a.member.email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/o/{slug}/$"))

    page.goto(f"{site}/o/{slug}/creators/import/")
    page.set_input_files("input[type=file][name=file]", str(csv_path))
    page.get_by_role("button", name=re.compile("Upload and map columns")).click()
    expect(page).to_have_url(re.compile(r"/mapping/$"))
    shots(page, "mapping")
    # Headers like "Full name" and "Follower count" are recognised; check one by hand.
    handle_select = page.get_by_label("Instagram handle")
    handle_select.select_option("handle")
    page.get_by_role("button", name=re.compile("Start import")).click()

    progress = page.locator("#import-progress")
    expect(progress.locator("progress")).to_be_visible()
    shots(page, "progress")
    expect(page.get_by_text("Import finished")).to_be_visible(timeout=60_000)
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(page.get_by_text(re.compile("negative", re.I)).first).to_be_visible()  # the bad row
    shots(page, "import-done")

    page.goto(f"{site}/o/{slug}/creators/")
    page.fill("#f-q", "dermatologist")
    page.fill("#f-country", "US")
    page.fill("#f-er", "3")
    page.fill("#f-ac", "US")
    page.locator("#f-ac").press("Tab")
    results = page.locator("#results .result")
    expect(results).to_have_count(2)  # Ana (4.8 %) and Ben (3.6 %); Cara has 2.1 %, Dee is GB
    expect(page.locator("#results")).to_contain_text("Dr Ana Ruiz")
    expect(page.locator("#results")).to_contain_text("Dr Ben Ode")
    assert "q=dermatologist" in page.url  # the search is in the address bar
    shots(page, "filtered")

    page.locator("#results .result__name", has_text="Dr Ana Ruiz").click()
    expect(page.get_by_role("heading", name="Vetting scorecard")).to_be_visible()
    expect(page.locator(".scorecard")).to_contain_text("62% in US")
    expect(page.locator(".scorecard")).to_contain_text("Expertise")
    shots(page, "scorecard")
    page.go_back()
    expect(results).to_have_count(2)  # htmx restores the results from its history

    for box in page.locator("#results input[name=creator_ids]").all():
        box.check()
    page.fill("#bulk input[name=new_list_name]", "US dermatologists")
    page.locator("#bulk").get_by_role("button", name="Add selected").click()
    expect(page.get_by_text("Added 2 to “US dermatologists”")).to_be_visible()
    shots(page, "shortlisted")
    with tenant_a.context():
        shortlist = CreatorList.objects.get(name="US dermatologists")
        assert sorted(shortlist.creators.values_list("name", flat=True)) == [
            "Dr Ana Ruiz",
            "Dr Ben Ode",
        ]
    assert Role.MEMBER
