"""The brand pages, the creator's signing link and /verify/, through the test client."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from campaigns.pipeline import Stage
from contracts import services
from contracts.default_template import DEFAULT_TEMPLATE_BODY
from contracts.models import Contract, ContractState, ContractTemplate, Signature
from kolhub.models import OutboxEmail, Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.contracts.factories import completed_contract, creator_link, make_contract
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def url(tenant, path: str = "") -> str:
    return f"/o/{tenant.organization.slug}/contracts/{path}"


def test_index_lists_contracts_and_ready_collaborations(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a)
        ready = make_collaboration(
            tenant_a.organization,
            make_campaign(tenant_a.organization),
            creator=make_creator(tenant_a.organization, name="Dr Ben Ode"),
            stage=Stage.AGREED,
        )
    body = tenant_a.client(Role.VIEWER).get(url(tenant_a)).content.decode()
    assert contract.title in body and "Dr Ben Ode" not in body  # viewers cannot draft
    body = tenant_a.client(Role.MEMBER).get(url(tenant_a)).content.decode()
    assert contract.title in body and "Dr Ben Ode" in body
    picker = tenant_a.client().get(url(tenant_a, "new/")).content.decode()
    assert f"?collaboration={ready.pk}" in picker


def test_create_a_contract_from_the_form_and_errors_name_the_row(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(
            org,
            make_campaign(org, name="Serum"),
            creator=make_creator(org, name="Dr Cai"),
            stage=Stage.AGREED,
        )
        version = services.default_template_ensure(organization=org)
    client = tenant_a.client(Role.MEMBER)
    page = client.get(url(tenant_a, f"new/?collaboration={collaboration.pk}"))
    assert page.status_code == 200 and "Dr Cai" in page.content.decode()
    today = timezone.localdate()
    data = {
        "collaboration": collaboration.pk,
        "template_version": version.pk,
        "signing_order": "creator_first",
        "brand_signer": tenant_a.admin.pk,
        "creator_name": "Dr Cai",
        "creator_email": "cai@creator.test",
        "campaign_name": "Serum",
        "start_date": today.isoformat(),
        "fee_amount": "1200",
        "fee_currency": "USD",
        "commission_percent": "0",
        "usage_days": "30",
        "usage_channels": "Instagram",
        "exclusivity_days": "0",
        "exclusivity_categories": "",
        "governing_law": "Delaware",
        "deliverables-TOTAL_FORMS": "3",
        "deliverables-INITIAL_FORMS": "0",
        "deliverables-0-platform": "instagram",
        "deliverables-0-type": "Reel",
        "deliverables-0-quantity": "1",
        "deliverables-0-due_date": (today - timezone.timedelta(days=3)).isoformat(),
        "installments-TOTAL_FORMS": "2",
        "installments-INITIAL_FORMS": "0",
        "installments-0-percent": "100",
        "installments-0-trigger": "publication",
        "installments-0-net_days": "30",
    }
    response = client.post(url(tenant_a, "new/"), data)
    assert response.status_code == 200
    assert "cannot be due before the start date" in response.content.decode()
    data["deliverables-0-due_date"] = (today + timezone.timedelta(days=10)).isoformat()
    response = client.post(url(tenant_a, "new/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_a.context():
        contract = Contract.objects.get(collaboration=collaboration)
        assert contract.signing_order == "creator_first"
        assert contract.terms["parties"]["brand_signer_email"] == tenant_a.admin.email
        assert "Delaware" in contract.body_html


def test_detail_send_and_the_brand_signs_on_its_page(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a)
    member = tenant_a.client(Role.MEMBER)
    detail = member.get(url(tenant_a, f"{contract.pk}/")).content.decode()
    assert contract.document_sha256 in detail and "Send for signature" in detail
    assert (
        member.post(
            url(tenant_a, f"{contract.pk}/send/"), {"signing_order": "brand_first"}
        ).status_code
        == 302
    )
    # A member opens the signing route but is not the signer (and lacks the role to POST).
    assert member.post(url(tenant_a, f"{contract.pk}/sign/"), {}).status_code == 403
    admin = tenant_a.client(Role.ADMIN)
    page = admin.get(url(tenant_a, f"{contract.pk}/sign/"))
    text = page.content.decode()
    assert page.status_code == 200 and "right to paper" not in text.lower()
    assert "paper copy" in text and "Sign contract" in text and contract.document_sha256 in text
    refused = admin.post(
        url(tenant_a, f"{contract.pk}/sign/"),
        {"typed_name": "Zed", "document_sha256": contract.document_sha256},
    )
    assert refused.status_code == 400 and "Agree to sign electronically" in refused.content.decode()
    signed = admin.post(
        url(tenant_a, f"{contract.pk}/sign/"),
        {"consent": "on", "typed_name": "Zed Admin", "document_sha256": contract.document_sha256},
        HTTP_USER_AGENT="AdminBrowser/9",
        REMOTE_ADDR="192.0.2.55",
    )
    assert signed.status_code == 302
    with tenant_a.context():
        signature = Signature.objects.get(contract=contract)
        assert (signature.ip_address, signature.user_agent) == ("192.0.2.55", "AdminBrowser/9")
        assert Contract.objects.get(pk=contract.pk).state == ContractState.PARTIALLY_SIGNED


def test_creator_signs_through_the_link_on_a_phone(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True, order="creator_first")
        token = creator_link(tenant_a, contract)
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile", REMOTE_ADDR="198.51.100.9")
    page = client.get(f"/sign/{token}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in text
    assert "Consumer disclosure" in text and "withdraw" in text.lower()
    response = client.post(
        f"/sign/{token}/",
        {"consent": "on", "typed_name": "Ana Ruiz", "document_sha256": contract.document_sha256},
    )
    assert response.status_code == 302
    again = client.post(
        f"/sign/{token}/",
        {"consent": "on", "typed_name": "Ana Ruiz", "document_sha256": contract.document_sha256},
    )
    assert again.status_code == 302  # idempotent
    with tenant_a.context():
        assert Signature.objects.filter(contract=contract).count() == 1
        signature = Signature.objects.get(contract=contract)
        assert signature.ip_address == "198.51.100.9" and signature.signer_kind == "creator"
        assert contract.events.filter(kind="viewed").count() == 1
    after = client.get(f"/sign/{token}/").content.decode()
    assert "You signed on" in after


def test_signing_link_refuses_unknown_expired_and_outdated(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True, order="creator_first")
        token = creator_link(tenant_a, contract)
    client = Client()
    assert client.get("/sign/not-a-real-token/").status_code == 404
    with tenant_a.context():
        contract.signers.filter(party="creator").update(
            token_expires_at=timezone.now() - timezone.timedelta(minutes=1)
        )
    expired = client.get(f"/sign/{token}/")
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    with tenant_a.context():
        token = creator_link(tenant_a, contract)
        services.contract_update(organization=org, contract=contract)  # a change after sending
    assert client.get(f"/sign/{token}/").status_code == 404


def test_template_editor_preview_and_refusal(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    assert client.get(url(tenant_a, "templates/")).status_code == 200
    preview = client.post(
        url(tenant_a, "templates/preview/"),
        {"body": "<p>{{ creator.name }} {{ settings.SECRET_KEY }}</p>"},
        HTTP_HX_REQUEST="true",
    )
    assert "Unknown field &#x27;settings&#x27;" in preview.content.decode()
    ok = client.post(url(tenant_a, "templates/preview/"), {"body": "<p>{{ creator.name }}</p>"})
    assert "Dr Sam Example" in ok.content.decode()
    created = client.post(
        url(tenant_a, "templates/new/"), {"name": "Short form", "body": "<p>{% load static %}</p>"}
    )
    assert created.status_code == 200 and "unknown tag" in created.content.decode()
    created = client.post(
        url(tenant_a, "templates/new/"), {"name": "Short form", "body": DEFAULT_TEMPLATE_BODY}
    )
    assert created.status_code == 302
    with tenant_a.context():
        template = ContractTemplate.objects.get(name="Short form")
    edit = client.get(url(tenant_a, f"templates/{template.pk}/")).content.decode()
    assert "Live preview" in edit and "Creator Partnership Agreement" in edit
    viewer = tenant_a.client(Role.VIEWER)
    assert (
        viewer.post(url(tenant_a, "templates/new/"), {"name": "x", "body": "x"}).status_code == 403
    )


def test_pdf_progress_and_download(tenant_a):
    with tenant_a.context():
        pending = completed_contract(tenant_a, render=False)
    client = tenant_a.client(Role.VIEWER)
    status = client.get(url(tenant_a, f"{pending.pk}/pdf/status/")).content.decode()
    assert 'hx-trigger="every 1s"' in status
    assert client.get(url(tenant_a, f"{pending.pk}/pdf/")).status_code == 404
    with tenant_a.context():
        services.contract_pdf_start(organization=tenant_a.organization, contract_id=pending.pk)
        services.contract_pdf_render(organization=tenant_a.organization, contract_id=pending.pk)
        pending.refresh_from_db()
    status = client.get(url(tenant_a, f"{pending.pk}/pdf/status/")).content.decode()
    assert "hx-trigger" not in status and "Download signed PDF" in status
    response = client.get(url(tenant_a, f"{pending.pk}/pdf/"))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")
    assert response["X-Content-SHA256"] == pending.pdf_sha256


def test_verify_page(tenant_a):
    with tenant_a.context():
        contract = completed_contract(tenant_a)
    with contract.pdf_file.open("rb") as handle:
        data = handle.read()
    client = Client()  # anonymous
    assert client.get("/verify/").status_code == 200
    valid = client.post("/verify/", {"pdf": SimpleUploadedFile("c.pdf", data)}).content.decode()
    assert 'data-verdict="valid"' in valid and "Ana Ruiz" in valid
    assert tenant_a.organization.name not in valid.replace(contract.title, "")
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 1
    bad = client.post("/verify/", {"pdf": SimpleUploadedFile("c.pdf", bytes(tampered))})
    assert 'data-verdict="modified"' in bad.content.decode()
    not_pdf = client.post("/verify/", {"pdf": SimpleUploadedFile("c.pdf", b"hello")})
    assert not_pdf.status_code == 400 and "not a PDF" in not_pdf.content.decode()


def test_verify_refuses_a_100_mb_upload_before_reading_it():
    body = b"%PDF-1.7\n" + b"0" * (100 * 1024 * 1024)
    response = Client().post("/verify/", {"pdf": SimpleUploadedFile("big.pdf", body)})
    assert response.status_code == 413
    assert re.search(r"accepts PDFs up to \d+ MB", response.content.decode())


def test_panels_for_dashboard_campaign_and_collaboration(tenant_a):
    with tenant_a.context():
        ending = completed_contract(
            tenant_a,
            render=False,
            start=timezone.localdate() - timezone.timedelta(days=80),
            usage_days=90,
            exclusive=["skincare"],
            exclusive_days=120,
        )
    client = tenant_a.client(Role.VIEWER)
    dashboard = client.get(url(tenant_a, "panels/dashboard/")).content.decode()
    assert "data-usage-warning" in dashboard and ending.collaboration.creator.name in dashboard
    home = client.get(f"/o/{tenant_a.organization.slug}/").content.decode()
    assert f'hx-get="{url(tenant_a, "panels/dashboard/")}"' in home
    campaign = client.get(url(tenant_a, f"panels/campaign/{ending.collaboration.campaign_id}/"))
    assert "data-usage-warning" in campaign.content.decode()
    collab = client.get(url(tenant_a, f"panels/collaboration/{ending.collaboration_id}/"))
    assert "Deliverables (signed)" in collab.content.decode()
    check = client.get(
        url(tenant_a, "exclusivity-check/"),
        {"creator_id": ending.collaboration.creator_id, "categories": "Skincare"},
    )
    assert "data-exclusivity-conflicts" in check.content.decode()
    none = client.get(
        url(tenant_a, "exclusivity-check/"),
        {"creator_id": ending.collaboration.creator_id, "categories": "fitness"},
    )
    assert "conflict" not in none.content.decode().lower()


def test_resend_emails_the_creator_a_fresh_link(tenant_a, django_capture_on_commit_callbacks):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True, order="creator_first")
        signer = contract.signers.get(party="creator")
    client = tenant_a.client(Role.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tenant_a, f"{contract.pk}/signers/{signer.pk}/resend/"))
    assert response.status_code == 302
    mail = OutboxEmail.objects.filter(to="ana@creator.test").latest("id")
    # Creators sign in the portal: a fresh portal link to the contract's page.
    path = re.search(r"/p/[A-Za-z0-9_-]{43}/contracts/\d+/", mail.body_text).group(0)
    assert path.endswith(f"/contracts/{contract.pk}/")
    assert "Sign contract" in Client().get(path).content.decode()


def test_admin_shows_every_contracts_model_and_signed_ones_read_only(tenant_a, admin_client):
    from django.contrib import admin as django_admin

    from contracts.models import IssuedDocument

    with tenant_a.context():
        contract = completed_contract(tenant_a)
        draft = make_contract(tenant_a)
    models = [m for m in django_admin.site._registry if m._meta.app_label == "contracts"]
    assert len(models) == 7
    for model in models:
        name = model._meta.model_name
        assert admin_client.get(f"/admin/contracts/{name}/").status_code == 200, name
    page = admin_client.get(f"/admin/contracts/contract/{contract.pk}/change/").content.decode()
    assert 'name="title"' not in page  # read-only: no inputs
    assert (
        'name="title"'
        in admin_client.get(f"/admin/contracts/contract/{draft.pk}/change/").content.decode()
    )
    assert IssuedDocument.objects.filter(contract_id=contract.pk).exists()


def test_signer_ip_behind_trusted_proxies(settings, rf):
    from kolhub.clients import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.2",
                     REMOTE_ADDR="10.0.0.3")  # fmt: skip
    settings.PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.3"  # no proxy trusted: the connection's address
    settings.PROXY_HOPS = 2
    assert client_ip(request) == "203.0.113.5"  # 6.6.6.6 was written by the client itself


def test_campaign_pages_load_the_contract_panels(tenant_a):
    """campaigns never imports contracts: its pages load the contracts fragments by URL."""
    with tenant_a.context():
        collaboration = make_collaboration(
            tenant_a.organization, make_campaign(tenant_a.organization)
        )
    client = tenant_a.client(Role.VIEWER)
    slug, campaign_id = tenant_a.organization.slug, collaboration.campaign_id
    page = client.get(f"/o/{slug}/campaigns/{campaign_id}/").content.decode()
    assert f'hx-get="{url(tenant_a, f"panels/campaign/{campaign_id}/")}"' in page
    detail = client.get(
        f"/o/{slug}/campaigns/{campaign_id}/collaborations/{collaboration.pk}/"
    ).content.decode()
    assert f'hx-get="{url(tenant_a, f"panels/collaboration/{collaboration.pk}/")}"' in detail


def test_new_contract_starts_from_the_accepted_offer(tenant_a):
    """The accepted offer's terms become the draft's: fee, rights, deliverables, schedule."""
    from tests.campaigns.factories import agreed_collaboration

    with tenant_a.context():
        collaboration = agreed_collaboration(
            tenant_a.organization, fee="2750.00", exclusivity_categories=["sunscreen"],
            exclusivity_days=60,
        )  # fmt: skip
    client = tenant_a.client(Role.ADMIN)
    page = client.get(url(tenant_a, "new/"), {"collaboration": collaboration.pk}).content.decode()
    assert 'value="2750.00"' in page
    assert 'value="sunscreen"' in page and 'value="60"' in page
    assert 'value="reel"' in page  # the deliverable row
    assert 'value="signature"' in page and 'value="publication"' in page  # the schedule
