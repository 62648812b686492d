"""Demo contracts: every state for the demo campaign's collaborations, made through the
services, with sealed PDFs that verify; run twice, it adds nothing."""

from __future__ import annotations

import pytest

from campaigns.seeding import SPREAD, demo_campaign_seed
from contracts.models import Contract, ContractState
from contracts.seeding import demo_contracts_seed
from contracts.verification import verify_pdf
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_demo_contracts_cover_every_state_with_a_verifiable_pdf(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for n in range(sum(count for _, count in SPREAD)):
            make_creator(org, email=f"creator{n}@demo.test")
    demo_campaign_seed(organization=org)
    made = demo_contracts_seed(organization=org)
    assert made and demo_contracts_seed(organization=org) == 0  # once
    with tenant.context():
        states = set(Contract.objects.values_list("state", flat=True))
        assert states == set(ContractState.values)
        sealed = Contract.objects.filter(state=ContractState.COMPLETED, pdf_status="ready")
        assert sealed.exists()
        contract = sealed.first()
        with contract.pdf_file.open("rb") as handle:
            assert verify_pdf(handle.read()).status == "valid"
        superseded = Contract.objects.get(state=ContractState.SUPERSEDED)
        assert superseded.next_version.state == ContractState.COMPLETED
        assert superseded.signatures.filter(voided_at__isnull=False).exists()
