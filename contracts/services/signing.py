"""Signing: the one place a signature is checked and recorded, for the brand (a member,
logged in) and the creator (through the signing link's token), and the emails that tell
each party it is their turn or that the contract is complete.

What a signature records (ESIGN / UETA evidence): the typed name, an optional drawn
signature, the signer's email and role, member or creator, IP address, user agent, time,
the consent to the consumer disclosure (with the disclosure's hash), the exact intent
wording, and the SHA-256 of the exact document version the signer was shown. Signing a
version that is no longer current is refused; signing twice returns the first signature."""

from __future__ import annotations

import base64
import binascii
import hmac
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import PortalToken
from campaigns.pipeline import Stage
from contracts.disclosure import DISCLOSURE_SHA256, intent_text
from contracts.models import (
    SIGNABLE_STATES,
    Contract,
    ContractState,
    EventKind,
    Party,
    Signature,
    Signer,
    SignerKind,
)
from contracts.services.common import Actor, event_add, same_org, token_hash
from contracts.services.contracts import BRAND_SIGNER_ROLE, pdf_queue, turn_notify
from contracts.services.deliverables import deliverables_follow_contract
from creators.models import Creator
from kolhub.models import Membership, Organization, Role
from kolhub.selectors import hash_token

MAX_DRAWN_BYTES = 300 * 1024


@dataclass(frozen=True)
class PortalSigner:
    """The creator as the portal knows them (portal.access.PortalGrant): the creator, and
    the invite link they came in with or the account that claimed them. Recorded on the
    signature as the signer's identity."""

    creator: Creator
    token: PortalToken | None = None
    user: object | None = None

    @property
    def label(self) -> str:
        how = f"portal account {self.user.email}" if self.user is not None else "portal link"
        return f"{self.creator.name} ({how})"


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def signer_intent(contract: Contract, signer: Signer, organization: Organization) -> str:
    hint = (
        f"authorised signer for {organization.name}"
        if signer.party == Party.BRAND
        else "the Creator"
    )
    return intent_text(
        name_hint=hint, version=contract.version, document_sha256=contract.document_sha256
    )


def token_matches(signer: Signer, token: str) -> bool:
    """Whether `token` is this signer's live link (constant-time comparison)."""
    if not signer.token_hash or not token:
        return False
    if signer.token_expires_at is None or signer.token_expires_at <= timezone.now():
        return False
    return hmac.compare_digest(signer.token_hash, token_hash(token))


def portal_token_live(organization: Organization, contract: Contract, raw: str) -> bool:
    """Whether `raw` is a live portal link of the contract's creator (the one the turn
    email is about to carry)."""
    if not raw:
        return False
    found = (
        PortalToken.objects.for_org(organization)
        .filter(token_hash=hash_token(raw), creator_id=contract.collaboration.creator_id)
        .first()
    )
    return found is not None and found.state_at(timezone.now()) == "active"


def drawn_signature_png(data_url: str) -> bytes | None:
    """The PNG inside a canvas's data URL, checked to be a small, real PNG image."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise ValidationError({"drawn_signature": "The drawn signature must be a PNG image."})
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"drawn_signature": "The drawn signature is damaged."}) from None
    if len(data) > MAX_DRAWN_BYTES:
        raise ValidationError({"drawn_signature": "The drawn signature is too large."})
    if not data.startswith(PNG_MAGIC):
        raise ValidationError({"drawn_signature": "The drawn signature must be a PNG image."})
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            width, height = image.size
    except Exception:
        raise ValidationError({"drawn_signature": "The drawn signature is damaged."}) from None
    if width > 2400 or height > 1200:
        raise ValidationError({"drawn_signature": "The drawn signature is too large."})
    return data


@transaction.atomic
def signing_page_viewed(*, organization: Organization, signer: Signer, actor: Actor) -> None:
    """The first time a signer opens the contract to sign, for the audit trail."""
    same_org(organization, signer)
    updated = (
        Signer.objects.for_org(organization)
        .filter(pk=signer.pk, first_viewed_at__isnull=True)
        .update(first_viewed_at=timezone.now())
    )
    if updated:
        event_add(
            organization=organization, contract=signer.contract, kind=EventKind.VIEWED, actor=actor
        )


@transaction.atomic
def contract_sign(
    *,
    organization: Organization,
    contract: Contract,
    signer: Signer,
    typed_name: str,
    consent: bool,
    document_sha256: str,
    actor: Actor,
    drawn_signature: str = "",
    user=None,
    token: str = "",
    portal: PortalSigner | None = None,
) -> Signature:
    """Sign `contract` as `signer`: the brand signer passes `user` (the logged-in member);
    the creator passes `portal` (the portal's creator: how creators sign) or `token` (a
    /sign/<token>/ link issued earlier). Returns the signature; a second submission of
    the same signature returns the first one unchanged."""
    same_org(organization, contract, signer)
    if portal is not None:
        same_org(organization, portal.creator)
    locked = (
        Contract.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("collaboration")
        .get(pk=contract.pk)
    )
    signer = Signer.objects.for_org(organization).select_related("user").get(pk=signer.pk)
    if signer.contract_id != locked.pk:
        raise PermissionDenied("You are not a signer of this contract.")
    _check_authority(organization, locked, signer, user=user, token=token, portal=portal)

    existing = (
        Signature.objects.for_org(organization)
        .filter(signer=signer, voided_at__isnull=True)
        .first()
    )
    if existing is not None and existing.document_sha256 == document_sha256:
        return existing  # a double click or a resubmitted form: already signed

    if locked.state == ContractState.SUPERSEDED or document_sha256 != locked.document_sha256:
        newer = (
            f" Version {locked.version + 1} replaced it: review and sign that one."
            if locked.state == ContractState.SUPERSEDED
            else ""
        )
        raise ValidationError(
            {
                "document_sha256": (
                    f"This is not the current text of the contract (you signed from version "
                    f"{locked.version} as it was shown to you, and it has changed).{newer}"
                )
            }
        )
    if locked.state not in SIGNABLE_STATES:
        raise ValidationError(
            f"Version {locked.version} is {locked.get_state_display().lower()}: "
            "it cannot be signed."
        )
    signed = (
        Signature.objects.for_org(organization)
        .filter(contract=locked, voided_at__isnull=True)
        .values("signer_id")
    )
    waiting = (
        Signer.objects.for_org(organization)
        .filter(contract=locked, position__lt=signer.position)
        .exclude(pk__in=signed)
        .order_by("position")
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            f"{waiting.name} signs first; you will get an email when it is your turn."
        )
    if not consent:
        raise ValidationError(
            {"consent": "Agree to sign electronically first (or ask the brand for paper)."}
        )
    typed_name = " ".join((typed_name or "").split())
    if len(typed_name) < 2:
        raise ValidationError({"typed_name": "Type your full name to sign."})
    if len(typed_name) > 200:
        raise ValidationError({"typed_name": "At most 200 characters."})
    drawn = drawn_signature_png(drawn_signature)

    now = timezone.now()
    membership_role = ""
    if signer.party == Party.BRAND:
        membership_role = _brand_role(organization, signer)
    signature = Signature.objects.create(
        organization=organization,
        contract=locked,
        signer=signer,
        party=signer.party,
        signer_kind=(
            SignerKind.MEMBER
            if signer.party == Party.BRAND
            else SignerKind.PORTAL
            if portal is not None
            else SignerKind.CREATOR
        ),
        typed_name=typed_name,
        email=signer.email,
        role=membership_role,
        user=signer.user if signer.party == Party.BRAND else (portal.user if portal else None),
        portal_token=portal.token if portal is not None else None,
        ip_address=actor.ip_address or None,
        user_agent=(actor.user_agent or "")[:500],
        signed_at=now,
        document_sha256=locked.document_sha256,
        consented_at=now,
        disclosure_sha256=DISCLOSURE_SHA256,
        intent_text=signer_intent(locked, signer, organization),
        drawn_png=drawn,
    )
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.CONSENTED,
        actor=actor,
        detail=f"Consumer disclosure SHA-256 {DISCLOSURE_SHA256}",
    )
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.SIGNED,
        actor=actor,
        detail=f"Signed as “{typed_name}” for the {signer.party}"
        + (" with a drawn signature" if drawn else ""),
    )

    following = (
        Signer.objects.for_org(organization)
        .filter(contract=locked, position__gt=signer.position)
        .order_by("position")
        .first()
    )
    if following is not None:
        locked.state = ContractState.PARTIALLY_SIGNED
        locked.save(update_fields=["state", "updated_at"])
        turn_notify(organization=organization, contract=locked, signer=following)
        return signature

    locked.state, locked.completed_at = ContractState.COMPLETED, now
    locked.save(update_fields=["state", "completed_at", "updated_at"])
    event_add(
        organization=organization,
        contract=locked,
        kind=EventKind.COMPLETED,
        actor=Actor(label="KOL Hub"),
        detail="Signed by every party",
    )
    if locked.collaboration.stage == Stage.AGREED:
        campaign_services.collaboration_transition(
            organization=organization,
            collaboration=locked.collaboration,
            to_stage=Stage.CONTRACTED,
            by=None,
            actor="contract signed",
            reason=f"“{locked.title}” version {locked.version} signed by both parties.",
        )
    deliverables_follow_contract(organization=organization, contract=locked)
    pdf_queue(organization=organization, contract=locked)
    return signature


def _check_authority(
    organization: Organization,
    contract: Contract,
    signer: Signer,
    *,
    user,
    token: str,
    portal: PortalSigner | None,
) -> None:
    if signer.party == Party.BRAND:
        if user is None or signer.user_id != getattr(user, "pk", None):
            raise PermissionDenied(f"Only {signer.name} can sign for the brand.")
        _brand_role(organization, signer)
    elif portal is not None:
        # The portal has already resolved its link or account to one creator of this
        # organization; that creator is who signs, and only for their own collaboration.
        if portal.creator.pk != contract.collaboration.creator_id:
            raise PermissionDenied("You are not a signer of this contract.")
        if portal.token is not None:
            same_org(organization, portal.token)
            if portal.token.creator_id != portal.creator.pk:
                raise PermissionDenied("This portal link belongs to someone else.")
    elif not token_matches(signer, token):
        raise PermissionDenied("This signing link is no longer valid.")


def _brand_role(organization: Organization, signer: Signer) -> str:
    # Checked again at signing time: the signer may have been demoted since sending.
    membership = Membership.objects.for_org(organization).filter(user_id=signer.user_id).first()
    if membership is None or not Role.at_least(membership.role, BRAND_SIGNER_ROLE):
        raise PermissionDenied(
            f"{signer.name} must be an admin or owner of {organization.name} to sign for it."
        )
    return membership.role


# --- emails (run by the worker) --------------------------------------------------------


def contract_email_send(
    *, organization: Organization, signer_id: int, kind: str, token: str = ""
) -> bool:
    """Send one email: "turn" (your turn to sign) or "completed" (signed by everyone,
    with the sealed PDF attached). Returns False, sending nothing, when the email is no
    longer true (the contract changed, the link was replaced, they already signed)."""
    signer = Signer.objects.for_org(organization).select_related("contract").get(pk=signer_id)
    contract = signer.contract
    if kind == "turn":
        already = (
            Signature.objects.for_org(organization)
            .filter(signer=signer, voided_at__isnull=True)
            .exists()
        )
        if contract.state not in SIGNABLE_STATES or already:
            return False
    elif kind == "completed":
        if contract.state != ContractState.COMPLETED or not contract.pdf_file:
            return False
    else:
        raise ValueError(f"unknown contract email {kind!r}")
    url = ""
    if signer.party == Party.BRAND:
        url = reverse(
            "contract_sign" if kind == "turn" else "contract_detail",
            args=[organization.slug, contract.pk],
        )
    elif kind == "turn":
        if token_matches(signer, token):
            # A /sign/<token>/ link (issued before creators signed in the portal).
            url = reverse("contract_sign_link", args=[token])
        elif portal_token_live(organization, contract, token):
            # By URL name: contracts never imports the portal.
            url = reverse(
                "portal_token_contract", kwargs={"token": token, "contract_id": contract.pk}
            )
        else:
            return False  # the link was revoked or has expired meanwhile
    # The creator's completion email has no link: raw tokens are not kept anywhere, and
    # the PDF is attached; the portal link they signed with still opens it.
    context = {
        "organization": organization,
        "contract": contract,
        "signer": signer,
        "url": settings.SITE_URL.rstrip("/") + url if url else "",
        "kind": kind,
        "portal": signer.party == Party.CREATOR and "/p/" in url,
        "link_days": (
            settings.PORTAL_TOKEN_LIFETIME_DAYS
            if "/p/" in url
            else settings.CONTRACTS_SIGN_LINK_DAYS
        ),
    }
    subject = (
        f"Please sign: {contract.title} ({organization.name})"
        if kind == "turn"
        else f"Signed by everyone: {contract.title} ({organization.name})"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("contracts/emails/contract.txt", context),
        to=[signer.email],
    )
    message.attach_alternative(
        render_to_string("contracts/emails/contract.html", context), "text/html"
    )
    if kind == "completed":
        with contract.pdf_file.open("rb") as handle:
            message.attach(
                f"contract-{contract.pk}-v{contract.version}.pdf", handle.read(), "application/pdf"
            )
    message.send()
    if kind == "turn":
        event_add(
            organization=organization,
            contract=contract,
            kind=EventKind.LINK_SENT,
            actor=Actor(label="KOL Hub"),
            detail=f"Signing request emailed to {signer.email}",
        )
    return True
