"""Reads for the contract pages, the API, the worker and the panels contracts serves into
other apps' pages (the dashboard, a campaign, a collaboration). Each takes the
organization first, except the two platform-level lookups whose input names the tenant
(a signing link's token; a PDF's hash on the public /verify/ page)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from campaigns.selectors import organization_today
from contracts.models import (
    LIVE_STATES,
    Contract,
    ContractEvent,
    ContractState,
    ContractTemplate,
    ContractTemplateVersion,
    IssuedDocument,
    Party,
    Signature,
    Signer,
)
from contracts.services.common import token_hash
from contracts.terms import normalize_categories
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import dangerously_unscoped

# --- templates ---------------------------------------------------------------------------


def template_list(*, organization: Organization, archived: bool = False) -> QuerySet:
    return (
        ContractTemplate.objects.for_org(organization)
        .filter(archived_at__isnull=not archived)
        .annotate(
            latest_version=Max("versions__number"),
            contract_count=Count("versions__contracts", distinct=True),
        )
        .order_by("-is_default", "name", "id")
    )


def template_get(*, organization: Organization, template_id: int) -> ContractTemplate:
    return ContractTemplate.objects.for_org(organization).get(pk=template_id)


def template_latest_version(
    *, organization: Organization, template: ContractTemplate
) -> ContractTemplateVersion | None:
    return (
        ContractTemplateVersion.objects.for_org(organization)
        .filter(template=template)
        .order_by("-number")
        .first()
    )


def template_versions(
    *, organization: Organization, template: ContractTemplate
) -> QuerySet[ContractTemplateVersion]:
    return (
        ContractTemplateVersion.objects.for_org(organization)
        .filter(template=template)
        .select_related("created_by")
        .annotate(contract_count=Count("contracts"))
        .order_by("-number")
    )


def template_version_get(*, organization: Organization, version_id: int) -> ContractTemplateVersion:
    return (
        ContractTemplateVersion.objects.for_org(organization)
        .select_related("template")
        .get(pk=version_id)
    )


def template_version_choices(*, organization: Organization) -> list[ContractTemplateVersion]:
    """The latest version of each template not archived, default first."""
    out = []
    for template in template_list(organization=organization):
        version = template_latest_version(organization=organization, template=template)
        if version is not None:
            version.template = template
            out.append(version)
    return out


# --- contracts ---------------------------------------------------------------------------


def contract_queryset(*, organization: Organization) -> QuerySet[Contract]:
    return Contract.objects.for_org(organization).select_related(
        "collaboration",
        "collaboration__campaign",
        "collaboration__creator",
        "template_version",
        "template_version__template",
    )


def contract_list(
    *,
    organization: Organization,
    state: str = "",
    campaign_id: int | None = None,
    collaboration_id: int | None = None,
    q: str = "",
    current_only: bool = True,
) -> QuerySet[Contract]:
    """Contracts, newest first. `current_only` hides superseded versions (they stay
    reachable from their successor)."""
    queryset = contract_queryset(organization=organization)
    if state:
        queryset = queryset.filter(state=state)
    elif current_only:
        queryset = queryset.exclude(state=ContractState.SUPERSEDED)
    if campaign_id:
        queryset = queryset.filter(collaboration__campaign_id=campaign_id)
    if collaboration_id:
        queryset = queryset.filter(collaboration_id=collaboration_id)
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(collaboration__creator__name__icontains=q)
            | Q(collaboration__campaign__name__icontains=q)
        )
    return queryset.order_by("-updated_at", "-id")


def contract_get(*, organization: Organization, contract_id: int) -> Contract:
    return contract_queryset(organization=organization).get(pk=contract_id)


def signer_get(*, organization: Organization, contract: Contract, signer_id: int) -> Signer:
    return Signer.objects.for_org(organization).get(pk=signer_id, contract=contract)


def signer_with_contract(*, organization: Organization, signer_id: int) -> Signer:
    """A signer with its contract, campaign and creator loaded (the signing link's page)."""
    return (
        Signer.objects.for_org(organization)
        .select_related("contract", "contract__collaboration__campaign")
        .get(pk=signer_id)
    )


def campaign_get(*, organization: Organization, campaign_id: int):
    from campaigns.models import Campaign

    return Campaign.objects.for_org(organization).get(pk=campaign_id)


def contract_state_counts(*, organization: Organization) -> dict[str, int]:
    rows = Contract.objects.for_org(organization).values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


def contract_versions(*, organization: Organization, contract: Contract) -> list[Contract]:
    """Every version made for the same collaboration, oldest first."""
    return list(
        Contract.objects.for_org(organization)
        .filter(collaboration_id=contract.collaboration_id)
        .order_by("version")
        .only(
            "id",
            "version",
            "state",
            "document_sha256",
            "superseded_at",
            "voided_at",
            "created_at",
            "organization_id",
            "collaboration_id",
        )
    )


def contract_events(*, organization: Organization, contract: Contract) -> QuerySet[ContractEvent]:
    return (
        ContractEvent.objects.for_org(organization)
        .filter(contract=contract)
        .select_related("user")
        .order_by("at", "id")
    )


@dataclass
class SignerStatus:
    signer: Signer
    signature: Signature | None
    is_turn: bool

    @property
    def signed(self) -> bool:
        return self.signature is not None


def contract_signing_status(
    *, organization: Organization, contract: Contract
) -> list[SignerStatus]:
    """Each signer in signing order, with their live signature and whether it is their
    turn now."""
    signers = list(
        Signer.objects.for_org(organization)
        .filter(contract=contract)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.for_org(organization).filter(voided_at__isnull=True),
                to_attr="live_signatures",
            )
        )
        .order_by("position")
    )
    out, turn_given = [], False
    for signer in signers:
        signature = signer.live_signatures[0] if signer.live_signatures else None
        is_turn = not turn_given and signature is None and contract.is_signable
        turn_given = turn_given or is_turn
        out.append(SignerStatus(signer=signer, signature=signature, is_turn=is_turn))
    return out


def contract_pdf_pages(*, organization: Organization, contract: Contract, seal_key):
    """Everything the signed PDF prints, for contracts.rendering."""
    from contracts.rendering import PdfPages

    contract = contract_get(organization=organization, contract_id=contract.pk)
    return PdfPages(
        contract=contract,
        organization_name=organization.name,
        campaign_name=contract.collaboration.campaign.name,
        signers=list(
            Signer.objects.for_org(organization).filter(contract=contract).order_by("position")
        ),
        signatures=list(
            Signature.objects.for_org(organization)
            .filter(contract=contract, voided_at__isnull=True)
            .order_by("signed_at", "id")
        ),
        events=list(contract_events(organization=organization, contract=contract)),
        earlier_versions=[
            c
            for c in contract_versions(organization=organization, contract=contract)
            if c.version < contract.version
        ],
        seal_subject=seal_key.subject,
        seal_fingerprint=seal_key.fingerprint,
        generated_at=timezone.now(),
    )


def brand_signer_choices(*, organization: Organization) -> list[Membership]:
    """Members who may sign for the brand (admins and owners)."""
    return [
        m
        for m in Membership.objects.for_org(organization)
        .select_related("user")
        .order_by("user__first_name", "user__email")
        if Role.at_least(m.role, Role.ADMIN)
    ]


# --- signing links -----------------------------------------------------------------------


def signer_for_token(token: str) -> Signer | None:
    """The signer a signing link opens, or None. Platform-level: the token is what tells
    us the organization, so this one lookup runs unscoped; the caller then enters that
    organization's tenant context and loads everything else inside it."""
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    with dangerously_unscoped():
        signer = Signer.objects.filter(token_hash=digest).select_related("organization").first()
    if signer is None or not hmac.compare_digest(signer.token_hash, digest):
        return None
    return signer


# --- terms as data: usage rights and exclusivity -----------------------------------------


def usage_rights_ending(
    *,
    organization: Organization,
    within_days: int | None = None,
    campaign_id: int | None = None,
    today: date | None = None,
) -> QuerySet[Contract]:
    """Signed contracts whose usage rights end within `within_days` (default
    CONTRACTS_USAGE_WARNING_DAYS) or ended in the last week, soonest first. Days are the
    organization's (its timezone), as every report's are."""
    today = today or organization_today(organization)
    days = settings.CONTRACTS_USAGE_WARNING_DAYS if within_days is None else within_days
    queryset = contract_queryset(organization=organization).filter(
        state=ContractState.COMPLETED,
        usage_rights_end__gte=today - timedelta(days=7),
        usage_rights_end__lte=today + timedelta(days=days),
    )
    if campaign_id:
        queryset = queryset.filter(collaboration__campaign_id=campaign_id)
    return queryset.order_by("usage_rights_end", "id")


@dataclass(frozen=True)
class ExclusivityConflict:
    contract: Contract
    categories: tuple[str, ...]  # the overlap with the categories asked about
    start: date
    end: date
    binding: bool  # signed by both sides; otherwise still out for signature

    @property
    def message(self) -> str:
        campaign = self.contract.collaboration.campaign.name
        state = "signed" if self.binding else "out for signature"
        return (
            f"{self.contract.collaboration.creator.name} is exclusive for "
            f"{', '.join(self.categories)} until {self.end:%B} {self.end.day}, {self.end.year} "
            f"under the {state} contract for {campaign}."
        )


def exclusivity_conflicts(
    *,
    organization: Organization,
    creator=None,
    categories=None,
    start: date | None = None,
    end: date | None = None,
    exclude_collaboration_id: int | None = None,
    creator_ids=None,
    exclude_campaign_id: int | None = None,
) -> list[ExclusivityConflict]:
    """Contracts that keep `creator` exclusive for any of `categories` during [start,
    end] (default: today). Signed contracts and those out for signature count; a draft
    promises nothing yet. Without a creator: every creator; without categories: every
    exclusivity in force (the organization's list of active exclusive windows).

    Campaigns cannot import contracts (DESIGN.md: imports point one way), so this is
    offered four ways: this function, for a later app (the portal, or contracts' own
    views); the provider contracts.warnings registers into campaigns.warnings, which the
    offer form, adding creators and the offer API show; the htmx fragment
    `contracts_exclusivity_check`; and GET /api/v1/o/<org>/contracts/exclusivity-conflicts/."""
    wanted = set(normalize_categories(categories or ()))
    start = start or organization_today(organization)
    end = end or start
    queryset = (
        contract_queryset(organization=organization)
        .filter(
            state__in=[ContractState.SENT, ContractState.PARTIALLY_SIGNED, ContractState.COMPLETED],
            exclusivity_start__lte=end,
            exclusivity_end__gte=start,
        )
        .order_by("exclusivity_end", "id")
    )
    if creator is not None:
        queryset = queryset.filter(collaboration__creator_id=getattr(creator, "pk", creator))
    if wanted:
        queryset = queryset.filter(exclusivity_categories__overlap=sorted(wanted))
    if creator_ids is not None:
        queryset = queryset.filter(collaboration__creator_id__in=list(creator_ids))
    if exclude_collaboration_id:
        queryset = queryset.exclude(collaboration_id=exclude_collaboration_id)
    if exclude_campaign_id:
        # The campaign asked about is not "another campaign" of its own contracts.
        queryset = queryset.exclude(collaboration__campaign_id=exclude_campaign_id)
    return [
        ExclusivityConflict(
            contract=c,
            categories=tuple(x for x in c.exclusivity_categories if not wanted or x in wanted),
            start=c.exclusivity_start,
            end=c.exclusivity_end,
            binding=c.state == ContractState.COMPLETED,
        )
        for c in queryset
    ]


def collaboration_contracts(*, organization: Organization, collaboration_id: int) -> list[Contract]:
    """A collaboration's contract versions, newest first (for its page's panel)."""
    return list(
        contract_queryset(organization=organization)
        .filter(collaboration_id=collaboration_id)
        .order_by("-version")
    )


def live_contract_for(*, organization: Organization, collaboration_id: int) -> Contract | None:
    return (
        contract_queryset(organization=organization)
        .filter(collaboration_id=collaboration_id, state__in=LIVE_STATES)
        .first()
    )


# --- collaborations a contract can be made for ------------------------------------------


def collaboration_for_contract(*, organization: Organization, collaboration_id: int):
    from campaigns.models import Collaboration

    return (
        Collaboration.objects.for_org(organization)
        .select_related("campaign", "creator")
        .get(pk=collaboration_id)
    )


def collaborations_ready(*, organization: Organization) -> QuerySet:
    """Collaborations whose terms are agreed (stage Agreed or later, not cancelled) and
    that have no live contract: where the next contract comes from."""
    from campaigns import pipeline
    from campaigns.models import Collaboration
    from campaigns.pipeline import Stage

    stages = [s for s in pipeline.FORWARD if pipeline.rank(s) >= pipeline.rank(Stage.AGREED)]
    live = (
        Contract.objects.for_org(organization)
        .filter(state__in=LIVE_STATES)
        .values("collaboration_id")
    )
    return (
        Collaboration.objects.for_org(organization)
        .filter(stage__in=stages)
        .exclude(pk__in=live)
        .select_related("campaign", "creator")
        .order_by("-stage_changed_at", "-id")
    )


# --- the creator portal -------------------------------------------------------------------


def portal_contract_queryset(*, organization: Organization, creator) -> QuerySet[Contract]:
    """The creator's contracts as the portal shows them: every version that was sent to
    them (a draft is the brand's working copy, not theirs to see yet)."""
    return (
        contract_queryset(organization=organization)
        .filter(collaboration__creator_id=getattr(creator, "pk", creator))
        .exclude(state=ContractState.DRAFT)
    )


def portal_contract_list(
    *, organization: Organization, creator, collaboration_id: int
) -> list[Contract]:
    """One collaboration's contracts for the portal, newest version first, each with
    `signing` (contract_signing_status rows)."""
    contracts = list(
        portal_contract_queryset(organization=organization, creator=creator)
        .filter(collaboration_id=collaboration_id)
        .order_by("-version")
    )
    for contract in contracts:
        contract.signing = contract_signing_status(organization=organization, contract=contract)
    return contracts


def portal_contract_get(*, organization: Organization, creator, contract_id: int) -> Contract:
    """One of the creator's contracts; another creator's, a draft, or one of another
    organization does not exist (Contract.DoesNotExist)."""
    return portal_contract_queryset(organization=organization, creator=creator).get(pk=contract_id)


def portal_contracts_to_sign(*, organization: Organization, creator) -> dict[int, Contract]:
    """{collaboration id: contract} for the contracts waiting for the creator's
    signature now (out for signature, and everyone before them in the order has
    signed). Two queries, whatever the number of collaborations."""
    contracts = (
        portal_contract_queryset(organization=organization, creator=creator)
        .filter(state__in=[ContractState.SENT, ContractState.PARTIALLY_SIGNED])
        .prefetch_related(
            Prefetch(
                "signers",
                queryset=Signer.objects.for_org(organization)
                .order_by("position")
                .prefetch_related(
                    Prefetch(
                        "signatures",
                        queryset=Signature.objects.for_org(organization).filter(
                            voided_at__isnull=True
                        ),
                        to_attr="live_signatures",
                    )
                ),
            )
        )
    )
    waiting = {}
    for contract in contracts:
        unsigned = [s for s in contract.signers.all() if not s.live_signatures]
        if unsigned and unsigned[0].party == Party.CREATOR:
            waiting[contract.collaboration_id] = contract
    return waiting


# --- the public register ------------------------------------------------------------------


def issued_document_get(sha256: str) -> IssuedDocument | None:
    """A sealed PDF by the SHA-256 of its bytes. Not a tenant table: /verify/ looks a
    document up before anyone knows whose it is, and gets only what the PDF prints."""
    return IssuedDocument.objects.filter(sha256=sha256).first()
