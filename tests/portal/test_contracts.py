"""The creator signs in the portal: the contract for review with the consumer disclosure,
consent, typed name and Sign; the evidence stored (portal creator as the signer, IP,
user agent, time, the SHA-256 of exactly the version shown); an outdated version
refused; a double submit harmless; the turn email linking to the portal page; the home
saying "Sign the contract"; the sealed PDF downloadable; and nobody else's contract
reachable through a portal link or account."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from campaigns import services as campaign_services
from contracts import services
from contracts.models import Contract, ContractEvent, Signature, SigningOrder
from contracts.terms import ContractTerms
from kolhub.models import OutboxEmail
from tests.contracts.factories import (
    completed_contract,
    make_contract,
    seal_for_tests,
    sign_brand,
    terms_json,
)
from tests.creators.factories import make_creator
from tests.kolhub.factories import UserFactory
from tests.portal.factories import portal_for

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) PortalPhone/3.0"


@pytest.fixture(autouse=True)
def sealed():
    with seal_for_tests():
        yield


def contract_url(portal, contract, suffix: str = "") -> str:
    return f"{portal.url}contracts/{contract.pk}/{suffix}"


def shown_hash(html: str) -> str:
    return re.search(r'name="document_sha256" value="([0-9a-f]{64})"', html).group(1)


def sign_post(client, url, sha, **extra):
    data = {"consent": "on", "typed_name": "Ana Ruiz", "document_sha256": sha, **extra}
    return client.post(url, data, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.77")


@pytest.fixture
def creator_first(tenant_a):
    """A contract sent creator first, the creator, and their portal link."""
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        contract = make_contract(
            tenant_a, creator=creator, send=True, order=SigningOrder.CREATOR_FIRST
        )
    return contract, portal_for(tenant_a, creator)


def test_creator_reviews_and_signs_with_evidence(tenant_a, creator_first):
    contract, portal = creator_first
    client = Client()
    page = client.get(contract_url(portal, contract), HTTP_USER_AGENT=PHONE)
    html = page.content.decode()
    assert page.status_code == 200
    assert contract.title in html and "Consumer disclosure" in html
    assert "I have read the consumer disclosure" in html and "Sign contract" in html
    assert 'name="viewport"' in html  # the portal's phone layout
    sha = shown_hash(html)
    # The hash on the form is the hash of exactly the text the page shows.
    body = re.search(r'<article class="contract-doc"[^>]*>(.*)</article>', html, re.S).group(1)
    assert sha == hashlib.sha256(body.encode("utf-8")).hexdigest() == contract.document_sha256

    response = sign_post(client, contract_url(portal, contract), sha)
    assert response.status_code == 302 and response["Location"] == contract_url(portal, contract)
    with tenant_a.context():
        signature = Signature.objects.get(contract=contract)
        assert signature.party == "creator" and signature.signer_kind == "portal"
        assert signature.portal_token_id == portal.token.pk and signature.user_id is None
        assert signature.document_sha256 == sha
        assert signature.ip_address == "198.51.100.77" and signature.user_agent == PHONE
        assert signature.typed_name == "Ana Ruiz" and signature.consented_at
        assert f"version {contract.version}" in signature.intent_text
        contract.refresh_from_db()
        assert contract.state == "partially_signed"
        kinds = list(ContractEvent.objects.filter(contract=contract).values_list("kind", "actor"))
        assert ("signed", "Dr Ana Ruiz (portal link)") in kinds
        assert ("viewed", "Dr Ana Ruiz (portal link)") in kinds

    # A double submit (the same form again) is harmless: still one signature.
    again = sign_post(client, contract_url(portal, contract), sha)
    assert again.status_code == 302
    with tenant_a.context():
        assert Signature.objects.filter(contract=contract).count() == 1
    signed = client.get(contract_url(portal, contract)).content.decode()
    assert "You signed on" in signed and "Sign contract" not in signed


def test_an_outdated_version_is_refused(tenant_a, creator_first):
    contract, portal = creator_first
    client = Client()
    old_sha = shown_hash(client.get(contract_url(portal, contract)).content.decode())
    with tenant_a.context():
        terms = terms_json(tenant_a, fee="6500.00")
        newer = services.contract_update(
            organization=tenant_a.organization,
            contract=contract,
            terms=ContractTerms.from_json(terms),
        )
    # The creator submits the page they had open: refused, nothing recorded.
    response = sign_post(client, contract_url(portal, contract), old_sha)
    assert response.status_code == 400
    assert "not the current text" in response.content.decode()
    # The new version is a draft: not the creator's to see yet.
    assert client.get(contract_url(portal, newer)).status_code == 404
    with tenant_a.context():
        services.contract_send(organization=tenant_a.organization, contract=newer)
    stale = sign_post(client, contract_url(portal, newer), old_sha)
    assert stale.status_code == 400
    with tenant_a.context():
        assert not Signature.objects.filter(voided_at__isnull=True).exists()
    old_page = client.get(contract_url(portal, contract)).content.decode()
    assert "can no longer be signed" in old_page
    assert contract_url(portal, newer) in old_page


def test_brand_first_the_creator_waits(tenant_a):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        contract = make_contract(tenant_a, creator=creator, send=True)
    portal = portal_for(tenant_a, creator)
    page = Client().get(contract_url(portal, contract)).content.decode()
    assert "signs first" in page and "Sign contract" not in page
    response = sign_post(Client(), contract_url(portal, contract), contract.document_sha256)
    assert response.status_code == 400
    with tenant_a.context():
        assert not Signature.objects.filter(contract=contract).exists()
    home = Client().get(portal.url).content.decode()
    assert "Sign the contract" not in home


def test_home_and_collaboration_say_sign_the_contract(tenant_a, creator_first):
    contract, portal = creator_first
    home = Client().get(portal.url).content.decode()
    assert "Sign the contract" in home and "portal-card--needs-you" in home
    page = Client().get(portal.collaboration(contract.collaboration)).content.decode()
    assert "Sign the contract" in page and "Review and sign" in page
    assert f'data-contract="{contract.pk}"' in page and "your turn to sign" in page


def test_turn_email_links_to_the_portal_page(tenant_a, django_capture_on_commit_callbacks):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        contract = make_contract(tenant_a, creator=creator, send=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.contract_send(
                organization=tenant_a.organization,
                contract=contract,
                signing_order=SigningOrder.CREATOR_FIRST,
            )
    mail = OutboxEmail.objects.get(to="ana@creator.test")
    assert "Please sign" in mail.subject
    link = re.search(r"https?://\S+/p/([A-Za-z0-9_-]{43})/contracts/(\d+)/", mail.body_text)
    assert link and int(link.group(2)) == contract.pk
    assert "opens your portal" in mail.body_text
    path = link.group(0).split("://", 1)[1]
    path = path[path.index("/") :]
    page = Client().get(path)
    assert page.status_code == 200 and "Sign contract" in page.content.decode()
    # The link is a portal link of this creator: it opens their home too.
    assert Client().get(f"/p/{link.group(1)}/").status_code == 200
    with tenant_a.context():
        assert not contract.signers.get(party="creator").token_hash  # no /sign/ link made


def test_brand_first_the_creator_is_emailed_after_the_brand_signs(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        with django_capture_on_commit_callbacks(execute=True):
            contract = make_contract(tenant_a, creator=creator, send=True)
        assert not OutboxEmail.objects.filter(to="ana@creator.test").exists()
        with django_capture_on_commit_callbacks(execute=True):
            sign_brand(tenant_a, contract)
    mail = OutboxEmail.objects.get(to="ana@creator.test")
    assert f"/contracts/{contract.pk}/" in mail.body_text and "/p/" in mail.body_text


def test_signed_pdf_in_the_portal(tenant_a):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        contract = completed_contract(tenant_a, creator=creator)
    portal = portal_for(tenant_a, creator)
    page = Client().get(portal.collaboration(contract.collaboration)).content.decode()
    assert "Download the signed PDF" in page and "Completed" in page
    pdf = Client().get(contract_url(portal, contract, "pdf/"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Content-SHA256"] == contract.pdf_sha256
    assert pdf["Cache-Control"] == "no-store, private"
    status = Client().get(contract_url(portal, contract, "pdf/status/")).content.decode()
    assert "data-pdf-ready" in status


def test_pdf_not_ready_is_404(tenant_a, creator_first):
    contract, portal = creator_first
    assert Client().get(contract_url(portal, contract, "pdf/")).status_code == 404
    status = Client().get(contract_url(portal, contract, "pdf/status/"))
    assert status.status_code == 200 and "hx-trigger" in status.content.decode()


def test_nobody_elses_contract_through_the_portal(tenant_a, tenant_b, creator_first):
    contract, portal = creator_first
    with tenant_a.context():
        other = make_creator(tenant_a.organization, name="Another creator of A")
        draft = make_contract(tenant_a, creator=portal.creator)
    other_portal = portal_for(tenant_a, other)
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization, name="Quokka creator")
    b_portal = portal_for(tenant_b, b_creator)
    for who in (other_portal, b_portal):
        for suffix in ("", "pdf/", "pdf/status/"):
            url = contract_url(who, contract, suffix)
            for method in ("get", "post"):
                response = getattr(Client(), method)(url)
                # (POST to the read-only routes: 405 before anything is looked up.)
                expected = (404,) if method == "get" or not suffix else (404, 405)
                assert response.status_code in expected, (url, method)
                assert contract.title not in response.content.decode()
    # The creator's own draft is not theirs to see yet.
    assert Client().get(contract_url(portal, draft)).status_code == 404
    # Another creator cannot sign it by posting the right hash either.
    refused = sign_post(Client(), contract_url(other_portal, contract), contract.document_sha256)
    assert refused.status_code == 404
    with tenant_a.context():
        assert not Signature.objects.filter(contract=contract).exists()
    # A revoked link opens nothing.
    with tenant_a.context():
        campaign_services.portal_token_revoke(
            organization=tenant_a.organization, token=portal.token, by=None
        )
    assert Client().get(contract_url(portal, contract)).status_code == 404


def test_the_service_refuses_a_portal_creator_who_is_not_the_signer(tenant_a, creator_first):
    contract, _portal = creator_first
    from django.core.exceptions import PermissionDenied

    with tenant_a.context():
        stranger = make_creator(tenant_a.organization, name="Someone else")
        with pytest.raises(PermissionDenied):
            services.contract_sign(
                organization=tenant_a.organization,
                contract=contract,
                signer=contract.signers.get(party="creator"),
                typed_name="Someone Else",
                consent=True,
                document_sha256=contract.document_sha256,
                actor=services.Actor(label="x"),
                portal=services.PortalSigner(creator=stranger),
            )
        assert not Signature.objects.exists()


def test_a_claimed_account_signs_as_the_creator(tenant_a, creator_first):
    contract, portal = creator_first
    account = UserFactory(email="ana.account@creator.test")
    with tenant_a.context():
        campaign_services.portal_claim(
            organization=tenant_a.organization, creator=portal.creator, user=account
        )
    client = Client()
    client.force_login(account)
    url = f"/p/b/{tenant_a.organization.slug}/contracts/{contract.pk}/"
    sha = shown_hash(client.get(url).content.decode())
    assert sign_post(client, url, sha).status_code == 302
    with tenant_a.context():
        signature = Signature.objects.get(contract=contract)
        assert signature.user_id == account.pk and signature.portal_token_id is None
        assert signature.signer_kind == "portal"
        assert Contract.objects.get(pk=contract.pk).state == "partially_signed"


def test_contract_text_is_not_executed(tenant_a):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name='<script>alert("x")</script>')
        contract = make_contract(
            tenant_a,
            creator=creator,
            send=True,
            order=SigningOrder.CREATOR_FIRST,
            creator_name='Ana <script>alert("x")</script>',
        )
    portal = portal_for(tenant_a, creator)
    html = Client().get(contract_url(portal, contract)).content.decode()
    assert '<script>alert("x")</script>' not in html
