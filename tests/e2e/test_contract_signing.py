"""In real Chromium with a real Celery worker: the brand sends a contract (creator signs
first); the creator opens the link from the email in the dev outbox on a phone, which
lands on the contract's page in their portal, consents, types and draws a signature and
signs there; the brand admin signs; the worker renders and seals the PDF, which appears
on the brand's contract page and in the creator's portal by itself; /verify/ says valid
for it and modified for a copy with one byte changed."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, expect

from contracts.models import Contract, Signature
from kolhub.celery import app
from kolhub.models import OutboxEmail
from tests.contracts.factories import make_contract, seal_for_tests, seal_for_tests_path
from tests.kolhub.live_worker import LiveWorker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sealing_worker(live_server, tmp_path, monkeypatch):
    """A live worker (tests/kolhub/live_worker.py) that seals with this run's test seal
    and writes links to the live server into its emails."""
    from contracts.seal import DEV_PASSPHRASE

    monkeypatch.setenv("SITE_URL", live_server.url)
    monkeypatch.setenv("CONTRACTS_SEAL_PKCS12_PATH", str(seal_for_tests_path()))
    monkeypatch.setenv("CONTRACTS_SEAL_PKCS12_PASSPHRASE", DEV_PASSPHRASE)
    worker = LiveWorker(tmp_path)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with seal_for_tests():
            worker.start()
            yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.stop()


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("timed out")


def login(browser: Browser, site: str, email: str, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/o/[^/]+/$"))
    return page


def test_send_sign_seal_and_verify(
    live_server, sealing_worker, browser: Browser, shots, tenant_a, settings, tmp_path
):
    settings.SITE_URL = live_server.url  # links in the emails point at this server
    site, slug = live_server.url, tenant_a.organization.slug
    with tenant_a.context():
        contract = make_contract(
            tenant_a, creator_name="Dr Ana Ruiz", creator_email="ana@creator.test"
        )

    # The brand admin (the designated brand signer) sends it, creator first.
    brand = login(browser, site, tenant_a.admin.email, viewport={"width": 1400, "height": 950})
    brand.goto(f"{site}/o/{slug}/contracts/{contract.pk}/")
    expect(brand.get_by_role("heading", name=contract.title)).to_be_visible()
    brand.get_by_label("Creator signs first").check()
    brand.get_by_role("button", name="Send for signature").click()
    expect(brand.get_by_text("Sent. Dr Ana Ruiz (ana@creator.test) signs first.")).to_be_visible()
    shots(brand, "sent")

    # The creator, on a phone, follows the link in the email (the dev outbox).
    wait_for(lambda: OutboxEmail.objects.filter(to="ana@creator.test").exists())
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
    ).new_page()
    phone.goto(f"{site}/dev/outbox/")
    phone.get_by_role("link", name=re.compile("Please sign")).first.click()
    # The creator signs in the portal: the email's link is their portal link, to this
    # contract's page.
    phone.locator(".mail-text a[href*='/p/'][href*='/contracts/']").click()
    expect(phone).to_have_url(re.compile(rf"/p/[A-Za-z0-9_-]{{43}}/contracts/{contract.pk}/$"))
    expect(phone.get_by_role("heading", name=contract.title)).to_be_visible()
    expect(phone.get_by_role("link", name="Collaborations")).to_be_visible()  # portal nav
    expect(phone.get_by_role("heading", name=re.compile("Consumer disclosure"))).to_be_visible()
    phone.get_by_label(re.compile("I agree to use electronic records")).check()
    phone.get_by_label(re.compile("Type your full name")).fill("Ana Ruiz")
    pad = phone.locator("canvas[data-sign-pad]")
    expect(pad).to_be_visible()
    box = pad.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 80)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 25, box["y"] + 80 + (-1) ** step * 25)
    phone.mouse.up()
    shots(phone, "creator-signing")
    # Phone-friendly: nothing is wider than the screen (no sideways scrolling, no zoom-out).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="Sign contract").click()
    expect(phone.get_by_text(re.compile("You signed on"))).to_be_visible()
    shots(phone, "creator-signed")
    with tenant_a.context():
        creator_signature = Signature.objects.get(contract=contract, party="creator")
        assert creator_signature.drawn_png and "iPhone" in creator_signature.user_agent
        assert creator_signature.signer_kind == "portal" and creator_signature.portal_token_id
        assert creator_signature.document_sha256 == contract.document_sha256
    creator_page = phone.url

    # The brand signs; the worker seals the PDF, and the card shows it without a reload.
    brand.goto(f"{site}/o/{slug}/contracts/{contract.pk}/")
    brand.get_by_role("link", name=f"Sign for {tenant_a.organization.name}").click()
    brand.get_by_label(re.compile("I agree to use electronic records")).check()
    brand.get_by_label(re.compile("Type your full name")).fill(tenant_a.admin.display_name)
    brand.get_by_role("button", name="Sign contract").click()
    expect(brand.get_by_text("Signed. Thank you.")).to_be_visible()
    ready = brand.locator("#pdf-status [data-pdf-ready]")
    expect(ready).to_be_visible(timeout=60_000)
    shots(brand, "pdf-ready")
    with brand.expect_download() as download:
        ready.click()
    pdf_path = tmp_path / "signed.pdf"
    download.value.save_as(pdf_path)
    data = pdf_path.read_bytes()
    with tenant_a.context():
        assert Contract.objects.get(pk=contract.pk).state == "completed"

    # The creator finds the same signed PDF in the portal.
    phone.goto(creator_page)
    expect(phone.get_by_text("Everyone has signed.")).to_be_visible()
    creator_ready = phone.locator("#pdf-status [data-pdf-ready]")
    expect(creator_ready).to_be_visible(timeout=60_000)
    shots(phone, "creator-pdf-ready")
    with phone.expect_download() as creator_download:
        creator_ready.click()
    creator_path = tmp_path / "creator-copy.pdf"
    creator_download.value.save_as(creator_path)
    assert creator_path.read_bytes() == data

    # /verify/, anonymous: valid for the PDF, modified for a one-byte change.
    visitor = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    visitor.goto(f"{site}/verify/")
    visitor.set_input_files("input[name=pdf]", str(pdf_path))
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.locator("[data-verdict=valid]")).to_be_visible()
    expect(visitor.locator("[data-verdict=valid]")).to_contain_text("Ana Ruiz")
    shots(visitor, "verify-valid")
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 0x01
    bad_path = tmp_path / "tampered.pdf"
    bad_path.write_bytes(bytes(tampered))
    visitor.set_input_files("input[name=pdf]", str(bad_path))
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.locator("[data-verdict=modified]")).to_be_visible()
    shots(visitor, "verify-modified")
