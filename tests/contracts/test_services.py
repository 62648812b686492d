"""The contract state machine and signing: draft → sent → partially signed → completed,
voided / superseded; signing order; ESIGN evidence and hashes; idempotent double
submission; outdated versions refused; brand signer role; emails on each turn."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from contracts import services
from contracts.disclosure import DISCLOSURE_SHA256
from contracts.models import (
    Contract,
    ContractEvent,
    ContractState,
    PdfStatus,
    Signature,
    Signer,
    SigningOrder,
)
from contracts.terms import ContractTerms
from kolhub.models import Membership, OutboxEmail, Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.contracts.factories import (
    BRAND_UA,
    CREATOR_UA,
    brand_actor,
    creator_link,
    make_contract,
    sign_brand,
    sign_creator,
    terms_json,
)

pytestmark = pytest.mark.django_db


def test_create_renders_the_terms_and_hashes_exactly_the_document(tenant_a):
    with tenant_a.context():
        contract = make_contract(
            tenant_a, fee="7250.00", usage_days=60, exclusive=["Skincare "], exclusive_days=30
        )
        assert contract.state == ContractState.DRAFT and contract.version == 1
        assert contract.document_sha256 == hashlib.sha256(contract.body_html.encode()).hexdigest()
        assert "USD 7,250.00" in contract.body_html and "Dr Ana Ruiz" in contract.body_html
        # Terms are data: the JSON round-trips and the derived columns are filled.
        terms = contract.terms_data
        assert terms.to_json() == contract.terms
        assert contract.usage_rights_end == terms.start_date + (
            terms.usage_rights_end - terms.start_date
        )
        assert contract.exclusivity_categories == ["skincare"]
        assert contract.exclusivity_end == terms.exclusivity_end
        assert ContractEvent.objects.filter(contract=contract, kind="created").exists()


def test_contract_needs_agreed_terms_and_only_one_live_per_collaboration(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        early = make_collaboration(org, campaign, stage=Stage.NEGOTIATING)
        terms = ContractTerms.from_json(terms_json(tenant_a))
        with pytest.raises(ValidationError, match="move the collaboration to Agreed"):
            services.contract_create(organization=org, collaboration=early, terms=terms)
        contract = make_contract(tenant_a)
        with pytest.raises(ValidationError, match="already has a draft contract"):
            services.contract_create(
                organization=org, collaboration=contract.collaboration, terms=terms
            )
        services.contract_void(organization=org, contract=contract, reason="Wrong fee")
        again = services.contract_create(
            organization=org, collaboration=contract.collaboration, terms=terms
        )
        assert again.version == 2


def test_another_organizations_collaboration_is_refused(tenant_a, tenant_b):
    with tenant_b.context():
        foreign = make_collaboration(
            tenant_b.organization, make_campaign(tenant_b.organization), stage=Stage.AGREED
        )
    with tenant_a.context(), pytest.raises(ValidationError, match="another organization"):
        services.contract_create(
            organization=tenant_a.organization,
            collaboration=foreign,
            terms=ContractTerms.from_json(terms_json(tenant_a)),
        )


def test_draft_edits_in_place_and_send_freezes_it(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a)
        first_hash = contract.document_sha256
        same = services.contract_update(
            organization=org,
            contract=contract,
            terms=ContractTerms.from_json(terms_json(tenant_a, fee="9000")),
        )
        assert same.pk == contract.pk and same.document_sha256 != first_hash
        sent = services.contract_send(organization=org, contract=same, actor=brand_actor(tenant_a))
        assert sent.state == ContractState.SENT
        signers = list(sent.signers.order_by("position"))
        assert [(s.party, s.position) for s in signers] == [("brand", 1), ("creator", 2)]
        assert signers[0].user == tenant_a.admin
        with pytest.raises(ValidationError, match="already sent"):
            services.contract_send(organization=org, contract=sent)


def test_brand_signer_must_be_an_admin_or_owner(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, signer=tenant_a.member)
        with pytest.raises(ValidationError) as raised:
            services.contract_send(organization=tenant_a.organization, contract=contract)
        assert "must be an admin or an owner" in str(raised.value.message_dict)
        assert contract.signers.count() == 0


def test_full_signing_brand_first_records_evidence_and_completes(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        assert OutboxEmail.objects.count() == 0  # emails go out on commit only
        with pytest.raises(ValidationError, match="signs first"):
            sign_creator(tenant_a, contract)
        brand = sign_brand(tenant_a, contract, typed_name="Zed Admin")
        contract.refresh_from_db()
        assert contract.state == ContractState.PARTIALLY_SIGNED
        assert brand.typed_name == "Zed Admin" and brand.role == Role.ADMIN
        assert brand.signer_kind == "member" and brand.user == tenant_a.admin
        assert brand.ip_address == "203.0.113.7" and brand.user_agent == BRAND_UA
        assert brand.document_sha256 == contract.document_sha256
        assert brand.disclosure_sha256 == DISCLOSURE_SHA256
        assert contract.document_sha256 in brand.intent_text
        creator = sign_creator(tenant_a, contract)
        assert creator.signer_kind == "creator" and creator.user is None
        assert creator.ip_address == "198.51.100.42" and creator.user_agent == CREATOR_UA
        contract.refresh_from_db()
        assert contract.state == ContractState.COMPLETED and contract.completed_at
        assert contract.pdf_status == PdfStatus.QUEUED
        collaboration = Collaboration.objects.get(pk=contract.collaboration_id)
        assert collaboration.stage == Stage.CONTRACTED
        kinds = list(contract.events.values_list("kind", flat=True))
        assert kinds.count("signed") == 2 and kinds.count("consented") == 2
        assert kinds[-1] == "completed"
        assert org.pk == contract.organization_id


def test_creator_first_order(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True, order=SigningOrder.CREATOR_FIRST)
        assert contract.signers.get(party="creator").position == 1
        with pytest.raises(ValidationError, match="signs first"):
            sign_brand(tenant_a, contract)
        sign_creator(tenant_a, contract)
        sign_brand(tenant_a, contract)
        contract.refresh_from_db()
        assert contract.state == ContractState.COMPLETED


def test_double_submission_is_idempotent(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        first = sign_brand(tenant_a, contract)
        again = sign_brand(tenant_a, contract)
        assert again.pk == first.pk
        assert Signature.objects.filter(contract=contract).count() == 1
        assert contract.events.filter(kind="signed").count() == 1
        token = creator_link(tenant_a, contract)
        one = sign_creator(tenant_a, contract, token=token)
        two = sign_creator(tenant_a, contract, token=token)
        assert one.pk == two.pk and Signature.objects.filter(contract=contract).count() == 2


def test_change_after_sending_makes_a_new_version_and_voids_signatures(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_contract(tenant_a, send=True)
        token = creator_link(tenant_a, v1)
        sign_brand(tenant_a, v1)
        v2 = services.contract_update(
            organization=org,
            contract=v1,
            terms=ContractTerms.from_json(terms_json(tenant_a, fee="6500")),
            actor=brand_actor(tenant_a),
        )
        v1.refresh_from_db()
        assert v2.pk != v1.pk and v2.version == 2 and v2.previous_id == v1.pk
        assert v2.state == ContractState.DRAFT
        assert v1.state == ContractState.SUPERSEDED and v1.superseded_at
        assert v2.document_sha256 != v1.document_sha256
        assert not Signature.objects.filter(contract=v1, voided_at__isnull=True).exists()
        assert Signer.objects.get(contract=v1, party="creator").token_hash == ""
        assert "1 signature(s) voided" in v1.events.get(kind="superseded").detail
        # Signing the outdated version is refused, whatever credentials come with it.
        with pytest.raises(PermissionDenied):
            sign_creator(tenant_a, v1, token=token)
        with pytest.raises(ValidationError, match="Version 2 replaced it"):
            sign_brand(tenant_a, v1)
        services.contract_send(organization=org, contract=v2)
        # A signer who saw the text before a change cannot sign the new one with it.
        with pytest.raises(ValidationError, match="not the current text"):
            sign_brand(tenant_a, v2, document_sha256=v1.document_sha256)
        sign_brand(tenant_a, v2)
        sign_creator(tenant_a, v2)
        v2.refresh_from_db()
        assert v2.state == ContractState.COMPLETED
        with pytest.raises(ValidationError, match="cannot change"):
            services.contract_update(organization=org, contract=v2)


def test_void_stops_links_and_is_refused_once_completed(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        token = creator_link(tenant_a, contract)
        with pytest.raises(ValidationError, match="Say why"):
            services.contract_void(organization=org, contract=contract, reason="  ")
        services.contract_void(organization=org, contract=contract, reason="Budget cut")
        contract.refresh_from_db()
        assert contract.state == ContractState.VOIDED and contract.void_reason == "Budget cut"
        with pytest.raises(PermissionDenied):
            sign_creator(tenant_a, contract, token=token)
        done = make_contract(tenant_a, send=True)
        sign_brand(tenant_a, done)
        sign_creator(tenant_a, done)
        with pytest.raises(ValidationError, match="only a draft, sent or partially signed"):
            services.contract_void(organization=org, contract=done, reason="Changed mind")


def test_only_the_designated_brand_signer_with_the_role_can_sign(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        with pytest.raises(PermissionDenied, match="can sign for the brand"):
            sign_brand(tenant_a, contract, user=tenant_a.owner)
        # Demoted after the contract was sent: refused at signing time.
        Membership.objects.filter(user=tenant_a.admin).update(role=Role.MEMBER)
        with pytest.raises(PermissionDenied, match="must be an admin or owner"):
            sign_brand(tenant_a, contract)
        assert not Signature.objects.filter(contract=contract).exists()


def test_signing_needs_consent_and_a_typed_name(tenant_a):
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        with pytest.raises(ValidationError) as raised:
            sign_brand(tenant_a, contract, consent=False)
        assert "consent" in raised.value.message_dict
        with pytest.raises(ValidationError) as raised:
            sign_brand(tenant_a, contract, typed_name=" ")
        assert "typed_name" in raised.value.message_dict


def test_drawn_signature_must_be_a_small_real_png(tenant_a):
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    good = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True)
        for bad in (
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/png;base64,!!!",
            "data:image/png;base64," + base64.b64encode(b"GIF89a" + b"0" * 20).decode(),
        ):
            with pytest.raises(ValidationError) as raised:
                sign_brand(tenant_a, contract, drawn_signature=bad)
            assert "drawn_signature" in raised.value.message_dict
        signature = sign_brand(tenant_a, contract, drawn_signature=good)
        assert bytes(signature.drawn_png) == buffer.getvalue()


def test_emails_go_to_each_party_in_turn(tenant_a, django_capture_on_commit_callbacks):
    org = tenant_a.organization
    with tenant_a.context():
        with django_capture_on_commit_callbacks(execute=True):
            contract = make_contract(tenant_a, send=True)
        turn = OutboxEmail.objects.get()
        assert turn.to == tenant_a.admin.email and "Please sign" in turn.subject
        assert f"/o/{org.slug}/contracts/{contract.pk}/sign/" in turn.body_text
        with django_capture_on_commit_callbacks(execute=True):
            sign_brand(tenant_a, contract)
        creator_mail = OutboxEmail.objects.filter(to="ana@creator.test").get()
        # The creator signs in the portal: the email links to the contract's portal page.
        assert re.search(
            rf"/p/[A-Za-z0-9_-]{{43}}/contracts/{contract.pk}/", creator_mail.body_text
        )
        assert "paper copy" in creator_mail.body_text
        assert contract.events.filter(kind="link_sent").count() == 2


def test_resend_rotates_the_creator_link(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a, send=True, order=SigningOrder.CREATOR_FIRST)
        signer = contract.signers.get(party="creator")
        old = creator_link(tenant_a, contract)
        services.signer_link_resend(organization=org, contract=contract, signer=signer)
        signer.refresh_from_db()
        assert not services.token_matches(signer, old)
        brand = contract.signers.get(party="brand")
        with pytest.raises(ValidationError, match="not .*turn"):
            services.signer_link_resend(organization=org, contract=contract, signer=brand)


def test_terms_errors_name_the_field():
    with pytest.raises(ValidationError) as raised:
        ContractTerms.from_json(
            {
                "parties": {"creator_email": "nope"},
                "deliverables": [
                    {
                        "platform": "instagram",
                        "type": "Reel",
                        "quantity": 0,
                        "due_date": "2026-13-01",
                    }
                ],
                "fee_amount": "-1",
                "fee_currency": "XXX",
                "payment_schedule": [{"percent": "30", "trigger": "signature", "net_days": 0}],
                "start_date": "2026-01-01",
                "exclusivity": {"categories": ["food"]},
            }
        )
    errors = raised.value.message_dict
    for path in (
        "parties.creator_email",
        "deliverables[0].quantity",
        "deliverables[0].due_date",
        "fee_amount",
        "fee_currency",
        "payment_schedule",
        "exclusivity.duration_days",
        "governing_law",
        "campaign_name",
    ):
        assert path in errors, path
    assert "add up to 30" in errors["payment_schedule"][0]


def test_contract_model_is_scoped(tenant_a):
    from django_scopes.exceptions import ScopeError

    with pytest.raises(ScopeError):
        list(Contract.objects.all())
