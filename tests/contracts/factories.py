"""Contracts built through the services, so every row is one a person could have made:
a collaboration moved to Agreed by real transitions, terms through ContractTerms, signers
created by sending, signatures through contract_sign."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.test import override_settings
from django.utils import timezone

from campaigns.pipeline import Stage
from contracts import services
from contracts.models import Contract, Signature, SigningOrder
from contracts.seal import DEV_PASSPHRASE, dev_certificate_create
from contracts.services.common import Actor
from contracts.terms import ContractTerms
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator

BRAND_UA = "Mozilla/5.0 (X11; Linux x86_64) BrandBrowser/1.0"
CREATOR_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) CreatorPhone/2.0"

_SEAL: Path | None = None


def seal_for_tests_path() -> Path:
    """One throwaway seal per test process (never the developer's .data/ one)."""
    global _SEAL
    if _SEAL is None or not _SEAL.exists():
        _SEAL = Path(tempfile.gettempdir()) / f"kolhub-test-seal-{os.getpid()}.p12"
        dev_certificate_create(path=_SEAL, common_name="KOL Hub test seal")
    return _SEAL


@contextlib.contextmanager
def seal_for_tests():
    with override_settings(
        CONTRACTS_SEAL_PKCS12_PATH=str(seal_for_tests_path()),
        CONTRACTS_SEAL_PKCS12_PASSPHRASE=DEV_PASSPHRASE,
    ):
        yield


def terms_json(
    tenant,
    *,
    creator_name="Dr Ana Ruiz",
    creator_email="ana@creator.test",
    start: date | None = None,
    fee="5000.00",
    currency="USD",
    usage_days=90,
    exclusive=(),
    exclusive_days=0,
    signer=None,
    campaign_name="Serum launch",
) -> dict:
    start = start or timezone.localdate()
    signer = signer or tenant.admin
    return {
        "parties": {
            "brand_name": tenant.organization.name,
            "brand_signer_name": signer.display_name,
            "brand_signer_email": signer.email,
            "brand_signer_title": "Head of Partnerships",
            "creator_name": creator_name,
            "creator_email": creator_email,
        },
        "campaign_name": campaign_name,
        "deliverables": [
            {
                "platform": "instagram",
                "type": "Reel",
                "quantity": 2,
                "due_date": (start + timedelta(days=14)).isoformat(),
            },
            {
                "platform": "tiktok",
                "type": "Video",
                "quantity": 1,
                "due_date": (start + timedelta(days=30)).isoformat(),
            },
        ],
        "fee_amount": fee,
        "fee_currency": currency,
        "commission_percent": "12.5",
        "payment_schedule": [
            {"percent": "40", "trigger": "signature", "net_days": 15},
            {"percent": "60", "trigger": "publication", "net_days": 30},
        ],
        "usage_rights": {
            "duration_days": usage_days,
            "channels": ["Instagram", "website"],
            "paid_amplification": True,
        },
        "exclusivity": {"categories": list(exclusive), "duration_days": exclusive_days},
        "start_date": start.isoformat(),
        "governing_law": "the State of New York",
    }


def make_contract(
    tenant, *, collaboration=None, send=False, order=SigningOrder.BRAND_FIRST, creator=None, **terms
) -> Contract:
    """A draft (or, with send=True, a sent) contract for a fresh agreed collaboration."""
    org = tenant.organization
    if collaboration is None:
        campaign = make_campaign(org, name=terms.get("campaign_name", "Serum launch"))
        creator = creator or make_creator(org, name=terms.get("creator_name", "Dr Ana Ruiz"))
        collaboration = make_collaboration(
            org, campaign, creator=creator, stage=Stage.AGREED, by=tenant.owner
        )
    contract = services.contract_create(
        organization=org,
        collaboration=collaboration,
        terms=ContractTerms.from_json(terms_json(tenant, **terms)),
        signing_order=order,
        actor=brand_actor(tenant),
    )
    if send:
        contract = services.contract_send(
            organization=org, contract=contract, actor=brand_actor(tenant)
        )
    return contract


def brand_actor(tenant, user=None) -> Actor:
    user = user or tenant.admin
    return Actor(
        label=f"{user.display_name} <{user.email}>",
        user=user,
        ip_address="203.0.113.7",
        user_agent=BRAND_UA,
    )


def creator_actor() -> Actor:
    return Actor(label="creator (signing link)", ip_address="198.51.100.42", user_agent=CREATOR_UA)


def sign_brand(tenant, contract, *, user=None, typed_name=None, **kwargs) -> Signature:
    signer = contract.signers.get(party="brand")
    user = user or signer.user
    return services.contract_sign(
        organization=tenant.organization,
        contract=contract,
        signer=signer,
        typed_name=typed_name or user.display_name,
        consent=kwargs.pop("consent", True),
        document_sha256=kwargs.pop("document_sha256", contract.document_sha256),
        actor=brand_actor(tenant, user),
        user=user,
        **kwargs,
    )


def creator_link(tenant, contract) -> str:
    signer = contract.signers.get(party="creator")
    return services.signer_link_issue(organization=tenant.organization, signer=signer)


def sign_creator(tenant, contract, *, token=None, typed_name="Ana Ruiz", **kwargs) -> Signature:
    signer = contract.signers.get(party="creator")
    return services.contract_sign(
        organization=tenant.organization,
        contract=contract,
        signer=signer,
        typed_name=typed_name,
        consent=kwargs.pop("consent", True),
        document_sha256=kwargs.pop("document_sha256", contract.document_sha256),
        actor=creator_actor(),
        token=token or creator_link(tenant, contract),
        **kwargs,
    )


def completed_contract(tenant, *, render=True, **kwargs) -> Contract:
    """Sent, signed by both sides and, with render, its sealed PDF made (the worker's
    service, called here: tests run inside a transaction that never commits)."""
    contract = make_contract(tenant, send=True, **kwargs)
    sign_brand(tenant, contract)
    sign_creator(tenant, contract)
    contract.refresh_from_db()
    if render:
        org = tenant.organization
        if services.contract_pdf_start(organization=org, contract_id=contract.pk):
            services.contract_pdf_render(organization=org, contract_id=contract.pk)
        contract.refresh_from_db()
    return contract
