"""What every contracts service shares: the same-organization check, the audit trail,
signing tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.models import Contract, ContractEvent
from kolhub.models import Organization

# Stored in the audit trail as sent by the browser, but bounded.
MAX_USER_AGENT = 500


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit trail records it."""

    label: str = "system"
    user: object | None = None
    ip_address: str | None = None
    user_agent: str = ""


SYSTEM = Actor()


def same_org(organization: Organization, *objects) -> None:
    # Foreign keys between tenant rows are not covered by row-level security.
    for obj in objects:
        if obj.organization_id != organization.pk:
            raise ValidationError("That record belongs to another organization.")


def event_add(
    *,
    organization: Organization,
    contract: Contract,
    kind: str,
    actor: Actor = SYSTEM,
    detail: str = "",
    document_sha256: str | None = None,
) -> ContractEvent:
    return ContractEvent.objects.create(
        organization=organization,
        contract=contract,
        kind=kind,
        at=timezone.now(),
        actor=actor.label[:200],
        user=actor.user if getattr(actor.user, "pk", None) else None,
        ip_address=actor.ip_address or None,
        user_agent=(actor.user_agent or "")[:MAX_USER_AGENT],
        document_sha256=contract.document_sha256 if document_sha256 is None else document_sha256,
        detail=detail,
    )


def token_new() -> tuple[str, str]:
    """(raw token for the link, its SHA-256 for the database): 256 random bits, so a
    fast hash is enough, as for API keys."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def document_hash(body_html: str) -> str:
    return hashlib.sha256(body_html.encode("utf-8")).hexdigest()
