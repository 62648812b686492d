"""Writes to contracts: create from a collaboration and its terms, edit (in place while a
draft, as a new version once sent), send for signature, void, resend a signing link.

A sent contract is frozen: any change makes a new version (a new row, `previous` pointing
back), supersedes the old one and voids its signatures and links, so nobody can sign a
text that is no longer the one on the table."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import pipeline
from campaigns import services as campaign_services
from campaigns.models import Collaboration
from campaigns.pipeline import Stage
from contracts.models import (
    LIVE_STATES,
    SIGNABLE_STATES,
    Contract,
    ContractState,
    ContractTemplateVersion,
    EventKind,
    Party,
    PdfStatus,
    Signature,
    Signer,
    SigningOrder,
)
from contracts.services.common import (
    SYSTEM,
    Actor,
    document_hash,
    event_add,
    same_org,
    token_new,
)
from contracts.services.templates import default_template_ensure
from contracts.templating import template_render
from contracts.terms import ContractTerms
from kolhub.models import Membership, Organization, Role

#: The lowest role that may sign for the brand. Signing binds the organization to pay
#: money and grant rights; in KOL Hub that is what admins and owners are for (members run
#: the work, ROLE_HELP in kolhub.models), so members prepare and send, admins sign.
BRAND_SIGNER_ROLE = Role.ADMIN


def _locked(organization: Organization, contract: Contract) -> Contract:
    same_org(organization, contract)
    return (
        Contract.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("collaboration", "template_version")
        .get(pk=contract.pk)
    )


def _render_into(
    contract: Contract, terms: ContractTerms, version: ContractTemplateVersion
) -> None:
    """Freeze the terms on the row: the JSON, the derived columns the queries use, the
    rendered document and the hash of exactly its bytes."""
    contract.terms = terms.to_json()
    contract.start_date = terms.start_date
    contract.fee_amount = terms.fee_amount
    contract.fee_currency = terms.fee_currency
    contract.usage_rights_end = terms.usage_rights_end
    contract.exclusivity_start = terms.exclusivity_start
    contract.exclusivity_end = terms.exclusivity_end
    contract.exclusivity_categories = list(terms.exclusivity.categories)
    contract.template_version = version
    contract.body_html = template_render(version.body, terms)
    contract.document_sha256 = document_hash(contract.body_html)


def _template_version(organization: Organization, version: ContractTemplateVersion | None):
    if version is None:
        return default_template_ensure(organization=organization)
    same_org(organization, version)
    if version.template.archived_at:
        raise ValidationError({"template": f"“{version.template.name}” is archived."})
    return version


def brand_signer_member(*, organization: Organization, email: str) -> Membership:
    """The member who signs for the brand, named by the terms; refused unless they are a
    member with at least BRAND_SIGNER_ROLE."""
    membership = (
        Membership.objects.for_org(organization)
        .select_related("user")
        .filter(user__email__iexact=(email or "").strip())
        .first()
    )
    field = "parties.brand_signer_email"
    if membership is None:
        raise ValidationError({field: f"{email} is not a member of {organization.name}."})
    if not Role.at_least(membership.role, BRAND_SIGNER_ROLE):
        raise ValidationError(
            {
                field: (
                    f"{email} is a {membership.get_role_display().lower()}; the brand signer "
                    "must be an admin or an owner."
                )
            }
        )
    return membership


@transaction.atomic
def contract_create(
    *,
    organization: Organization,
    collaboration: Collaboration,
    terms: ContractTerms,
    template_version: ContractTemplateVersion | None = None,
    signing_order: str = SigningOrder.BRAND_FIRST,
    title: str = "",
    actor: Actor = SYSTEM,
) -> Contract:
    """A draft contract for a collaboration whose terms are agreed. One live contract per
    collaboration: void the current one before starting another."""
    same_org(organization, collaboration)
    collaboration = (
        Collaboration.objects.for_org(organization)
        .select_for_update()
        .select_related("campaign", "creator")
        .get(pk=collaboration.pk)
    )
    if pipeline.rank(collaboration.stage) < pipeline.rank(Stage.AGREED):
        raise ValidationError(
            {
                "collaboration": (
                    f"{collaboration.creator.name} is "
                    f"{pipeline.label(collaboration.stage).lower()}: a contract follows agreed "
                    "terms, so move the collaboration to Agreed first."
                )
            }
        )
    live = (
        Contract.objects.for_org(organization)
        .filter(collaboration=collaboration, state__in=LIVE_STATES)
        .first()
    )
    if live is not None:
        raise ValidationError(
            {
                "collaboration": (
                    f"This collaboration already has a {live.get_state_display().lower()} contract "
                    f"(version {live.version}); edit it, or void it first."
                )
            }
        )
    if signing_order not in SigningOrder.values:
        raise ValidationError({"signing_order": f"{signing_order!r} is not a signing order."})
    last = (
        Contract.objects.for_org(organization)
        .filter(collaboration=collaboration)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    contract = Contract(
        organization=organization,
        collaboration=collaboration,
        version=(last or 0) + 1,
        signing_order=signing_order,
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
        title=(title or f"{terms.campaign_name} — {terms.parties.creator_name}").strip()[:240],
    )
    _render_into(contract, terms, _template_version(organization, template_version))
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        raise ValidationError(
            {"collaboration": "Someone just started a contract for this collaboration."}
        ) from None
    source = contract.template_version
    event_add(
        organization=organization,
        contract=contract,
        kind=EventKind.CREATED,
        actor=actor,
        detail=f"Version {contract.version} from template “{source.template.name}” "
        f"v{source.number}",
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    organization: Organization,
    contract: Contract,
    terms: ContractTerms | None = None,
    template_version: ContractTemplateVersion | None = None,
    signing_order: str | None = None,
    title: str | None = None,
    actor: Actor = SYSTEM,
) -> Contract:
    """Change a contract. A draft changes in place (it was never sent). A sent or
    partially signed contract is superseded by a new draft version: its signatures are
    voided and its links stop working; the new version is sent again. Returns the
    contract now current (the same row, or the new version)."""
    locked = _locked(organization, contract)
    if locked.state in (ContractState.COMPLETED, ContractState.VOIDED, ContractState.SUPERSEDED):
        raise ValidationError(
            f"Version {locked.version} is {locked.get_state_display().lower()} and cannot change."
            + (" A signed contract stays as signed." if locked.state == "completed" else "")
        )
    terms = terms or locked.terms_data
    version = (
        _template_version(organization, template_version)
        if template_version
        else locked.template_version
    )
    if signing_order is not None and signing_order not in SigningOrder.values:
        raise ValidationError({"signing_order": f"{signing_order!r} is not a signing order."})

    if locked.state == ContractState.DRAFT:
        _render_into(locked, terms, version)
        if signing_order:
            locked.signing_order = signing_order
        if title:
            locked.title = title.strip()[:240]
        locked.save()
        event_add(organization=organization, contract=locked, kind=EventKind.UPDATED, actor=actor)
        return locked

    now = timezone.now()
    voided = Signature.objects.for_org(organization).filter(contract=locked, voided_at__isnull=True)
    voided_count = voided.update(
        voided_at=now, void_reason=f"Superseded by version {locked.version + 1}"
    )
    Signer.objects.for_org(organization).filter(contract=locked).update(
        token_hash="", token_expires_at=None
    )
    locked.state, locked.superseded_at = ContractState.SUPERSEDED, now
    locked.save(update_fields=["state", "superseded_at", "updated_at"])
    successor = Contract(
        organization=organization,
        collaboration=locked.collaboration,
        previous=locked,
        version=locked.version + 1,
        signing_order=signing_order or locked.signing_order,
        title=(title or locked.title).strip()[:240],
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    _render_into(successor, terms, version)
    successor.save()
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.SUPERSEDED,
        actor=actor,
        detail=f"Changed after sending: replaced by version {successor.version}; "
        f"{voided_count} signature(s) voided.",
    )
    event_add(
        organization=organization,
        contract=successor,
        kind=EventKind.CREATED,
        actor=actor,
        detail=f"Version {successor.version}, replacing version {locked.version} "
        f"(document SHA-256 {locked.document_sha256})",
    )
    return successor


@transaction.atomic
def contract_send(
    *,
    organization: Organization,
    contract: Contract,
    actor: Actor = SYSTEM,
    signing_order: str | None = None,
) -> Contract:
    """Freeze the draft and ask the first signer to sign. The brand signer is the member
    the terms name (parties.brand_signer_email), and must be an admin or owner."""
    locked = _locked(organization, contract)
    if locked.state != ContractState.DRAFT:
        raise ValidationError(f"Version {locked.version} was already sent.")
    if signing_order:
        if signing_order not in SigningOrder.values:
            raise ValidationError({"signing_order": f"{signing_order!r} is not a signing order."})
        locked.signing_order = signing_order
    terms = locked.terms_data
    member = brand_signer_member(organization=organization, email=terms.parties.brand_signer_email)
    brand_first = locked.signing_order == SigningOrder.BRAND_FIRST
    brand = Signer.objects.create(
        organization=organization,
        contract=locked,
        party=Party.BRAND,
        position=1 if brand_first else 2,
        name=terms.parties.brand_signer_name,
        email=member.user.email,
        user=member.user,
    )
    creator = Signer.objects.create(
        organization=organization,
        contract=locked,
        party=Party.CREATOR,
        position=2 if brand_first else 1,
        name=terms.parties.creator_name,
        email=terms.parties.creator_email,
    )
    locked.state, locked.sent_at = ContractState.SENT, timezone.now()
    locked.save(update_fields=["state", "sent_at", "signing_order", "updated_at"])
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.SENT,
        actor=actor,
        detail=f"{locked.get_signing_order_display()}: {brand.name} for the brand, "
        f"{creator.name} for the creator",
    )
    turn_notify(
        organization=organization, contract=locked, signer=brand if brand_first else creator
    )
    return locked


@transaction.atomic
def contract_void(
    *, organization: Organization, contract: Contract, reason: str, actor: Actor = SYSTEM
) -> Contract:
    """Withdraw a contract before it is completed: its signatures are voided and its
    links stop working. A completed contract is a signed agreement and is not voided
    here (ending it is the termination clause's business)."""
    locked = _locked(organization, contract)
    if locked.state not in (ContractState.DRAFT, *SIGNABLE_STATES):
        raise ValidationError(
            f"Version {locked.version} is {locked.get_state_display().lower()}; only a draft, "
            "sent or partially signed contract can be voided."
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the contract is voided; the signers see it."})
    now = timezone.now()
    Signature.objects.for_org(organization).filter(contract=locked, voided_at__isnull=True).update(
        voided_at=now, void_reason="Contract voided"
    )
    Signer.objects.for_org(organization).filter(contract=locked).update(
        token_hash="", token_expires_at=None
    )
    locked.state, locked.voided_at, locked.void_reason = ContractState.VOIDED, now, reason[:2000]
    locked.save(update_fields=["state", "voided_at", "void_reason", "updated_at"])
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.VOIDED,
        actor=actor,
        detail=reason,
    )
    return locked


def _next_signer(organization: Organization, contract: Contract) -> Signer | None:
    signed = (
        Signature.objects.for_org(organization)
        .filter(contract=contract, voided_at__isnull=True)
        .values("signer_id")
    )
    return (
        Signer.objects.for_org(organization)
        .filter(contract=contract)
        .exclude(pk__in=signed)
        .order_by("position")
        .first()
    )


def turn_notify(*, organization: Organization, contract: Contract, signer: Signer) -> None:
    """Email `signer` that it is their turn (on commit). The creator signs in the portal:
    their email carries a fresh portal link (campaigns' invite-link token, bound to this
    creator of this organization) to the contract's portal page; its raw token exists
    only in this call and in the email."""
    from contracts.tasks import send_contract_email_task

    token = ""
    if signer.party == Party.CREATOR:
        _portal_token, token = campaign_services.portal_token_issue(
            organization=organization, creator=contract.collaboration.creator, issued_by=None
        )
        # A /sign/<token>/ link issued earlier stops working: one way to sign at a time.
        signer.token_hash, signer.token_expires_at = "", None
    signer.notified_at = timezone.now()
    signer.save(update_fields=["token_hash", "token_expires_at", "notified_at", "updated_at"])
    send_contract_email_task.delay_on_commit(organization.pk, signer.pk, "turn", token)


@transaction.atomic
def signer_link_resend(
    *, organization: Organization, contract: Contract, signer: Signer, actor: Actor = SYSTEM
) -> Signer:
    """Email the signer whose turn it is again (a creator gets a new portal link; a
    /sign/ link issued earlier stops working)."""
    locked = _locked(organization, contract)
    same_org(organization, signer)
    if signer.contract_id != locked.pk:
        raise ValidationError("That signer is not on this contract.")
    if locked.state not in SIGNABLE_STATES:
        raise ValidationError(f"Version {locked.version} is {locked.get_state_display().lower()}.")
    current = _next_signer(organization, locked)
    if current is None or current.pk != signer.pk:
        raise ValidationError(f"It is not {signer.name}'s turn to sign.")
    turn_notify(organization=organization, contract=locked, signer=current)
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.LINK_SENT,
        actor=actor,
        detail=f"Signing request sent again to {current.email}",
    )
    return current


def pdf_queue(*, organization: Organization, contract: Contract) -> None:
    """Mark the sealed PDF as wanted and enqueue its rendering once this commits."""
    from contracts.tasks import render_contract_pdf_task

    contract.pdf_status, contract.pdf_error = PdfStatus.QUEUED, ""
    contract.save(update_fields=["pdf_status", "pdf_error", "updated_at"])
    render_contract_pdf_task.delay_on_commit(organization.pk, contract.pk)


@transaction.atomic
def signer_link_issue(*, organization: Organization, signer: Signer) -> str:
    """A new signing link for a creator signer, without emailing it; returns the raw token
    (stored only as its hash). For demo data and tests; people get theirs by email."""
    same_org(organization, signer)
    if signer.party != Party.CREATOR:
        raise ValidationError("Only the creator signs through a link.")
    token, signer.token_hash = token_new()
    signer.token_expires_at = timezone.now() + timedelta(days=settings.CONTRACTS_SIGN_LINK_DAYS)
    signer.save(update_fields=["token_hash", "token_expires_at", "updated_at"])
    return token
