"""Isolation beyond the URL sweep (tests/kolhub/test_sweep.py covers every /o/ and /api/
route): a signing link reaches exactly its own signer's contract, in its own tenant;
/verify/ tells nothing beyond what the uploaded PDF prints."""

from __future__ import annotations

import pytest
from django.test import Client

from contracts.models import Signature
from tests.contracts.factories import completed_contract, creator_link, make_contract

pytestmark = pytest.mark.django_db


def test_a_signing_link_reaches_only_its_own_contract(tenant_a, tenant_b):
    with tenant_a.context():
        a_contract = completed_contract(
            tenant_a, creator_name="Zebracorn Creator A", campaign_name="Zebracorn Campaign A"
        )
        a_other = make_contract(
            tenant_a, send=True, order="creator_first", creator_name="Zebracorn Other Creator"
        )
    with tenant_b.context():
        b_contract = make_contract(
            tenant_b, send=True, order="creator_first", creator_name="Quokka Creator B"
        )
        b_token = creator_link(tenant_b, b_contract)
    client = Client()
    page = client.get(f"/sign/{b_token}/").content.decode()
    assert "Quokka Creator B" in page
    for marker in ("Zebracorn", tenant_a.organization.name, a_contract.document_sha256):
        assert marker not in page
    # The PDF route serves the token's own contract or nothing: B's is not signed yet.
    assert client.get(f"/sign/{b_token}/pdf/").status_code == 404
    # Signing with B's token cannot touch A's contracts, whatever the form claims.
    response = client.post(
        f"/sign/{b_token}/",
        {
            "consent": "on",
            "typed_name": "Quokka Creator B",
            "document_sha256": a_other.document_sha256,
        },
    )
    assert response.status_code == 400
    with tenant_a.context():
        assert not Signature.objects.filter(contract=a_other).exists()
    with tenant_b.context():
        assert not Signature.objects.filter(contract=b_contract).exists()


def test_a_brand_user_cannot_open_another_tenants_contract_pages(tenant_a, tenant_b):
    with tenant_a.context():
        contract = completed_contract(tenant_a)
    outsider = tenant_b.client()
    for path in ("", "sign/", "pdf/", "pdf/status/", "edit/"):
        response = outsider.get(f"/o/{tenant_b.organization.slug}/contracts/{contract.pk}/{path}")
        assert response.status_code == 404, path


def test_verify_reveals_only_what_the_pdf_prints(tenant_a):
    with tenant_a.context():
        contract = completed_contract(tenant_a, fee="2718.28")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with contract.pdf_file.open("rb") as handle:
        data = handle.read()
    page = Client().post("/verify/", {"pdf": SimpleUploadedFile("x.pdf", data)}).content.decode()
    assert 'data-verdict="valid"' in page
    # Not printed by the verify page even though it is in the PDF: nothing of the
    # organization's that the PDF does not itself contain (members, other contracts).
    for marker in (tenant_a.owner.email, tenant_a.member.email, tenant_a.organization.slug):
        assert marker not in page
