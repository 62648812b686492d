"""Demo data: contracts in every state for the demo campaign's collaborations, made
through contracts.services (sent, signed by the brand owner and by the creator through a
portal, revised, voided) so their audit trails read like real ones, and sealed PDFs
for the completed ones, so a new user can download one and check it at /verify/.

Runs once per brand: an organization that has any contract is left alone."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from contracts import services
from contracts.models import Contract, SigningOrder
from contracts.services.common import Actor
from contracts.terms import ContractTerms
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile"

CATEGORY = {"glow-lab": "skincare", "peakform": "sports nutrition"}
LAW = {"glow-lab": "the State of New York", "peakform": "England and Wales"}


def _terms(
    organization: Organization,
    collaboration: Collaboration,
    owner,
    *,
    start,
    fee: str,
    usage_days: int,
    exclusive_days: int,
) -> ContractTerms:
    creator = collaboration.creator
    email = creator.email or f"{creator.pk}@creators.example"
    return ContractTerms.from_json(
        {
            "parties": {
                "brand_name": organization.name,
                "brand_signer_name": owner.display_name,
                "brand_signer_email": owner.email,
                "brand_signer_title": "Owner",
                "creator_name": creator.name,
                "creator_email": email,
            },
            "campaign_name": collaboration.campaign.name,
            "deliverables": [
                {
                    "platform": "instagram",
                    "type": "Reel",
                    "quantity": 2,
                    "due_date": (start + timedelta(days=21)).isoformat(),
                },
                {
                    "platform": "tiktok",
                    "type": "Video",
                    "quantity": 1,
                    "due_date": (start + timedelta(days=35)).isoformat(),
                },
            ],
            "fee_amount": fee,
            "fee_currency": collaboration.campaign.currency,
            "commission_percent": "8",
            "payment_schedule": [
                {"percent": "50", "trigger": "signature", "net_days": 15},
                {"percent": "50", "trigger": "publication", "net_days": 30},
            ],
            "usage_rights": {
                "duration_days": usage_days,
                "channels": ["Instagram", "TikTok", "website"],
                "paid_amplification": usage_days > 60,
            },
            "exclusivity": {
                "categories": [CATEGORY.get(organization.slug, "skincare")]
                if exclusive_days
                else [],
                "duration_days": exclusive_days,
            },
            "start_date": start.isoformat(),
            "governing_law": LAW.get(organization.slug, "the State of New York"),
        }
    )


def _brand(owner) -> Actor:
    return Actor(
        label=f"{owner.display_name} <{owner.email}>",
        user=owner,
        ip_address="203.0.113.10",
        user_agent=BROWSER,
    )


def _creator(portal: services.PortalSigner) -> Actor:
    return Actor(label=portal.label, ip_address="198.51.100.23", user_agent=PHONE)


def _sign(organization: Organization, contract: Contract, party: str, owner) -> None:
    signer = contract.signers.get(party=party)
    if party == "brand":
        services.contract_sign(
            organization=organization,
            contract=contract,
            signer=signer,
            typed_name=owner.display_name,
            consent=True,
            document_sha256=contract.document_sha256,
            actor=_brand(owner),
            user=owner,
        )
    else:
        # The creator signs in the portal, through a portal link of their own.
        creator = contract.collaboration.creator
        token, _raw = campaign_services.portal_token_issue(
            organization=organization, creator=creator, issued_by=None
        )
        portal = services.PortalSigner(creator=creator, token=token)
        services.contract_sign(
            organization=organization,
            contract=contract,
            signer=signer,
            typed_name=signer.name,
            consent=True,
            document_sha256=contract.document_sha256,
            actor=_creator(portal),
            portal=portal,
        )
    contract.refresh_from_db()


def _completed(organization, collaboration, owner, **terms) -> Contract:
    contract = services.contract_create(
        organization=organization,
        collaboration=collaboration,
        terms=_terms(organization, collaboration, owner, **terms),
        actor=_brand(owner),
    )
    services.contract_send(organization=organization, contract=contract, actor=_brand(owner))
    _sign(organization, contract, "brand", owner)
    _sign(organization, contract, "creator", owner)
    return contract


def _agree(organization: Organization, collaboration: Collaboration, owner) -> bool:
    """Move a negotiating collaboration to agreed the way the team would: the creator
    accepts the brand's open offer (campaigns' offer flow), or, with no offer on the
    table, a plain pipeline move."""
    from campaigns.models import Offer, OfferStatus

    offer = (
        Offer.objects.filter(collaboration=collaboration, status=OfferStatus.OPEN)
        .order_by("-version")
        .first()
    )
    try:
        if offer is not None:
            other = "creator" if offer.proposed_by == "brand" else "brand"
            campaign_services.offer_accept(
                organization=organization,
                offer=offer,
                side=other,
                by=owner if other == "brand" else None,
                actor="" if other == "brand" else "creator via portal",
            )
        else:
            campaign_services.collaboration_transition(
                organization=organization,
                collaboration=collaboration,
                to_stage=Stage.AGREED,
                by=owner,
                reason="Fee and usage rights agreed.",
            )
    except ValidationError:
        return False  # the pipeline's rules say no: the demo does without this one
    collaboration.refresh_from_db()
    return collaboration.stage == Stage.AGREED


def demo_contracts_seed(*, organization: Organization, stdout=None) -> int:
    with tenant_context(organization):
        if Contract.objects.exists():
            return 0
        campaign = Campaign.objects.order_by("created_at").first()
        membership = (
            Membership.objects.filter(role=Role.OWNER)
            .select_related("user")
            .order_by("created_at")
            .first()
        )
        if campaign is None or membership is None:
            return 0
        owner = membership.user
        by_stage: dict[str, list[Collaboration]] = {}
        for c in campaign.collaborations.select_related("creator", "campaign").order_by("id"):
            by_stage.setdefault(c.stage, []).append(c)
        today = timezone.localdate()
        made: list[Contract] = []

        # Signed and sealed: every collaboration that is contracted or further along. One
        # has usage rights ending within the warning window; one was revised after sending
        # (so its version 1 is superseded).
        later = [
            Stage.CONTRACTED,
            Stage.PRODUCT_SHIPPED,
            Stage.CONTENT_IN_REVIEW,
            Stage.APPROVED,
            Stage.PUBLISHED,
            Stage.PAID,
        ]
        signed = [c for stage in later for c in by_stage.get(stage, [])]
        for n, collaboration in enumerate(signed):
            if n == 0:
                first = services.contract_create(
                    organization=organization,
                    collaboration=collaboration,
                    terms=_terms(
                        organization,
                        collaboration,
                        owner,
                        start=today,
                        fee="2500",
                        usage_days=90,
                        exclusive_days=0,
                    ),
                    actor=_brand(owner),
                )
                services.contract_send(
                    organization=organization, contract=first, actor=_brand(owner)
                )
                _sign(organization, first, "brand", owner)
                contract = services.contract_update(
                    organization=organization,
                    contract=first,
                    terms=_terms(
                        organization,
                        collaboration,
                        owner,
                        start=today,
                        fee="3000",
                        usage_days=180,
                        exclusive_days=120,
                    ),
                    actor=_brand(owner),
                )
                services.contract_send(
                    organization=organization, contract=contract, actor=_brand(owner)
                )
                _sign(organization, contract, "brand", owner)
                _sign(organization, contract, "creator", owner)
            else:
                if n == 1:
                    # Voided: version 1 went out with the wrong fee and was withdrawn.
                    withdrawn = services.contract_create(
                        organization=organization,
                        collaboration=collaboration,
                        terms=_terms(
                            organization,
                            collaboration,
                            owner,
                            start=today - timedelta(days=70),
                            fee="175",
                            usage_days=90,
                            exclusive_days=0,
                        ),
                        actor=_brand(owner),
                    )
                    services.contract_send(
                        organization=organization, contract=withdrawn, actor=_brand(owner)
                    )
                    services.contract_void(
                        organization=organization,
                        contract=withdrawn,
                        reason="Sent with the wrong fee; a corrected contract follows.",
                        actor=_brand(owner),
                    )
                    made.append(withdrawn)
                start = today - timedelta(days=70) if n == 1 else today - timedelta(days=7 * n)
                contract = _completed(
                    organization,
                    collaboration,
                    owner,
                    start=start,
                    fee=str(1500 + 250 * n),
                    usage_days=90,
                    exclusive_days=60 if n % 2 else 0,
                )
            made.append(contract)

        # A third agreed collaboration, so draft, sent and partially signed each have one.
        # (Voided is above: version 1 of the second signed contract was withdrawn.)
        agreed = list(by_stage.get(Stage.AGREED, []))
        negotiating = by_stage.get(Stage.NEGOTIATING, [])
        if len(agreed) < 3 and negotiating and _agree(organization, negotiating[0], owner):
            agreed.append(negotiating[0])
        for collaboration, state in zip(
            agreed, ["draft", "sent", "partially_signed"], strict=False
        ):
            contract = services.contract_create(
                organization=organization,
                collaboration=collaboration,
                terms=_terms(
                    organization,
                    collaboration,
                    owner,
                    start=today + timedelta(days=7),
                    fee="1800",
                    usage_days=60,
                    exclusive_days=0,
                ),
                signing_order=SigningOrder.CREATOR_FIRST
                if state == "partially_signed"
                else SigningOrder.BRAND_FIRST,
                actor=_brand(owner),
            )
            if state != "draft":
                services.contract_send(
                    organization=organization, contract=contract, actor=_brand(owner)
                )
            if state == "partially_signed":
                _sign(organization, contract, "creator", owner)
            made.append(contract)

    # One sealed PDF rendered here, so the demo has one even before a worker runs; the
    # other completed contracts' PDFs were queued on completion and a worker seals them.
    sealed = 0
    completed = [c for c in made if c.state == "completed"]
    if completed:
        with tenant_context(organization):
            if services.contract_pdf_start(organization=organization, contract_id=completed[0].pk):
                services.contract_pdf_render(organization=organization, contract_id=completed[0].pk)
                sealed = 1
    if stdout is not None:
        stdout.write(
            f"{organization.name}: {len(made)} demo contracts ({sealed} PDF sealed now, "
            f"{len(completed) - sealed} queued for the worker)"
        )
    return len(made)
