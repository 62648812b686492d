"""Organization A's contract template (with a version), a completed contract with its
signers, signatures, audit trail and sealed PDF, for the cross-tenant sweep and the RLS
test (see tests/tenant_world.py). The owner signs for the brand, so A's own owner can
open every route, the signing page included."""

from __future__ import annotations

from contracts import services
from contracts.default_template import DEFAULT_TEMPLATE_BODY
from contracts.models import ContractEvent, Signature
from tests.contracts.factories import completed_contract, seal_for_tests


def values(tenant) -> dict:
    org = tenant.organization
    with seal_for_tests(), tenant.context():
        template = services.template_create(
            organization=org,
            name="Zebracorn secret template",
            body=DEFAULT_TEMPLATE_BODY + "<p>Zebracorn secret clause</p>",
            is_default=True,
        )
        contract = completed_contract(
            tenant,
            signer=tenant.owner,
            creator_name="Zebracorn Signing Creator",
            creator_email="zebracorn-signer@creator.test",
            campaign_name="Zebracorn contract campaign",
            exclusive=["zebracorn category"],
            exclusive_days=30,
            fee="31415.92",
        )
        assert Signature.objects.filter(contract=contract).count() == 2
        assert ContractEvent.objects.filter(contract=contract).exists()
        assert contract.pdf_status == "ready"
        signer = contract.signers.get(party="creator")
    return {
        "template_id": template.pk,
        "contract_id": contract.pk,
        "signer_id": signer.pk,
        "secrets": [
            "Zebracorn secret template",
            "Zebracorn secret clause",
            "Zebracorn Signing Creator",
            "zebracorn-signer@creator.test",
            "Zebracorn contract campaign",
            "zebracorn category",
            "31,415.92",
            contract.document_sha256,
            contract.pdf_sha256,
        ],
    }
