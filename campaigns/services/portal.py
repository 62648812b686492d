"""Creator portal access: issuing, resolving and revoking invite-link tokens, and accounts
claiming a creator. The portal app turns a token into a portal session with
`portal_token_resolve` and nothing else (one way in)."""

from __future__ import annotations

import datetime
import hmac
import re
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import PortalAccountLink, PortalClaim, PortalToken
from campaigns.services.guards import check_member, same_org
from creators.models import Creator
from kolhub.models import Organization
from kolhub.selectors import hash_token
from kolhub.tenancy.context import dangerously_unscoped, tenant_context

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet. Anything else
# cannot be a token of ours, and is refused before the database is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43,86}")
TOUCH_EVERY = datetime.timedelta(minutes=1)


class PortalTokenInvalid(Exception):
    """The link does not open anything. `reason` (unknown, malformed, expired, revoked)
    is for the log only: the visitor is told the same thing whatever it is."""

    def __init__(self, reason: str):
        super().__init__("This link is no longer valid.")
        self.reason = reason


def portal_token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PORTAL_TOKEN_LIFETIME_DAYS)


@transaction.atomic
def portal_token_issue(
    *, organization: Organization, creator: Creator, issued_by: AbstractBaseUser | None,
    lifetime: datetime.timedelta | None = None,
) -> tuple[PortalToken, str]:  # fmt: skip
    """A new link for the creator. The raw token is returned once, to be shown or emailed;
    only its SHA-256 is stored."""
    same_org(organization, creator)
    check_member(organization, issued_by, "issued_by")
    lifetime = lifetime or portal_token_lifetime()
    if lifetime <= datetime.timedelta(0):
        raise ValidationError({"lifetime": "A link must stay valid for some time."})
    raw = secrets.token_urlsafe(32)
    token = PortalToken.objects.create(
        organization=organization, creator=creator, token_hash=hash_token(raw),
        issued_by=issued_by, expires_at=timezone.now() + lifetime,
    )  # fmt: skip
    return token, raw


def portal_link(*, raw_token: str, base_url: str | None = None) -> str:
    """The absolute portal URL for a raw token (SITE_URL unless a base is given, e.g. the
    request's own host)."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("portal_token_home", kwargs={"token": raw_token})


@transaction.atomic
def portal_token_revoke(
    *, organization: Organization, token: PortalToken, by: AbstractBaseUser | None
) -> PortalToken:
    """The link stops working at once. Revoking a revoked link changes nothing."""
    same_org(organization, token)
    locked = PortalToken.objects.for_org(organization).select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return locked


def portal_token_resolve(raw: str) -> tuple[Organization, Creator, PortalToken]:
    """(organization, creator, token) for a raw token from a URL, or PortalTokenInvalid.

    The token is looked up by its hash: the comparison the database makes is on a digest
    the visitor cannot steer byte by byte, and the match is checked again in constant
    time. The lookup runs before we know the tenant (the token is what tells us), so it
    is platform-level, like an API key's; everything after it runs inside the tenant."""
    if not isinstance(raw, str) or not TOKEN_SHAPE.fullmatch(raw):
        raise PortalTokenInvalid("malformed")
    digest = hash_token(raw)
    with dangerously_unscoped():
        found = (
            PortalToken.objects.filter(token_hash=digest)
            .select_related("organization")
            .only(
                "id",
                "token_hash",
                "organization",
                "expires_at",
                "revoked_at",
                "last_used_at",
                "creator_id",
            )  # fmt: skip
            .first()
        )
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        raise PortalTokenInvalid("unknown")
    now = timezone.now()
    state = found.state_at(now)
    if state != "active":
        raise PortalTokenInvalid(state)
    organization = found.organization
    with tenant_context(organization):
        creator = Creator.objects.get(pk=found.creator_id)
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            # Kept to the minute: one write a minute per link, not one per page.
            PortalToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return organization, creator, found


# --- claiming the portal with an account -----------------------------------------------


@transaction.atomic
def portal_claim(
    *, organization: Organization, creator: Creator, user: AbstractBaseUser,
    token: PortalToken | None = None,
) -> PortalClaim:  # fmt: skip
    """Link `user`'s account to this organization's creator, so /p/ shows the creator's
    collaborations after the link expires, next to those of other brands. Claiming again
    with the same account changes nothing. Runs inside the organization's context."""
    same_org(organization, creator)
    if token is not None:
        same_org(organization, token)
    existing = (
        PortalClaim.objects.for_org(organization).select_for_update()
        .filter(creator=creator).first()
    )  # fmt: skip
    if existing is not None:
        if existing.user_id == user.pk:
            return existing
        raise ValidationError(
            f"This creator profile is already linked to another account. Ask "
            f"{organization.name} to unlink it if that account is not yours."
        )
    if PortalClaim.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError(
            f"Your account already speaks for another creator profile at {organization.name}."
        )
    claim = PortalClaim.objects.create(
        organization=organization, creator=creator, user=user, token=token
    )
    PortalAccountLink.objects.get_or_create(user=user, organization=organization)
    return claim


@transaction.atomic
def portal_claim_remove(*, organization: Organization, creator: Creator) -> bool:
    """The brand unlinks the account that claimed this creator (a mistaken or lost
    account). Returns whether there was one."""
    same_org(organization, creator)
    claim = PortalClaim.objects.for_org(organization).filter(creator=creator).first()
    if claim is None:
        return False
    claim.delete()
    PortalAccountLink.objects.filter(user_id=claim.user_id, organization=organization).delete()
    return True
