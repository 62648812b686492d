"""Every write to organizations, memberships, invitations and API keys."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from kolhub.models import API_KEY_PREFIX, ApiKey, Invitation, Membership, Organization, Role
from kolhub.selectors import (
    api_key_get,
    hash_token,
    invitation_get,
    membership_get,
)
from kolhub.tenancy.context import tenant_context

INVITATION_LIFETIME = timedelta(days=14)
RESERVED_SLUGS = {"new", "admin", "api", "static", "media", "accounts", "settings"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "brand"
    if base in RESERVED_SLUGS:
        base = f"{base}-brand"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(
    *,
    name: str,
    owner: AbstractBaseUser,
    default_currency: str = "USD",
    timezone_name: str = "UTC",
    slug: str | None = None,
) -> Organization:
    """A new brand with `owner` as its first owner."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organization a name."})
    organization = Organization(
        name=name,
        slug=slug or _unique_slug(name),
        default_currency=default_currency,
        timezone=timezone_name,
    )
    organization.full_clean()
    organization.save()
    with tenant_context(organization):
        Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, name: str, default_currency: str, timezone_name: str
) -> Organization:
    organization.name = name.strip()
    organization.default_currency = default_currency
    organization.timezone = timezone_name
    organization.full_clean()
    organization.save(update_fields=["name", "default_currency", "timezone"])
    return organization


# --- invitations -----------------------------------------------------------------------


def _require_role_to_grant(actor: Membership, role: str) -> None:
    if not Role.at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners manage members.")
    if role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied("Only an owner can make someone an owner.")


@transaction.atomic
def invitation_create(
    *, organization: Organization, actor: Membership, email: str, role: str
) -> Invitation:
    """Invite `email`; re-inviting an address with an open invitation sends a fresh link."""
    _require_role_to_grant(actor, role)
    email = email.strip().lower()
    if Membership.objects.for_org(organization).filter(user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
    token = secrets.token_urlsafe(32)
    invitation = (
        Invitation.objects.for_org(organization)
        .filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_for_update()
        .first()
    ) or Invitation(organization=organization, email=email)
    invitation.role = role
    invitation.invited_by = actor.user
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.sent_at = None
    invitation.full_clean()
    invitation.save()

    from kolhub.tasks import send_invitation_email_task

    # The raw token exists only here and in the email; the database keeps its hash.
    send_invitation_email_task.delay_on_commit(organization.pk, invitation.pk, token)
    return invitation


def invitation_send_email(*, organization: Organization, invitation_id: int, token: str) -> None:
    """Send (or resend) the invitation email. Run by the worker."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    invitation = invitation_get(organization=organization, invitation_id=invitation_id)
    if invitation.status != "pending" or invitation.token_hash != hash_token(token):
        return  # superseded by a newer link, revoked, used or expired: nothing to send
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": invitation.invited_by,
        "url": settings.SITE_URL + reverse("invitation_accept", args=[token]),
    }
    message = EmailMultiAlternatives(
        subject=f"You're invited to join {organization.name} on KOL Hub",
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()
    Invitation.objects.for_org(organization).filter(pk=invitation.pk).update(sent_at=timezone.now())


class InvitationError(Exception):
    """Why an invitation link cannot be used, in words for the person holding it."""


@transaction.atomic
def invitation_accept(*, token: str, user: AbstractBaseUser) -> Membership:
    from kolhub.selectors import invitation_get_by_token

    found = invitation_get_by_token(token)
    if found is None:
        raise InvitationError("This invitation link is not valid. Ask for a new one.")
    organization = found.organization
    with tenant_context(organization):
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.status == "accepted":
            if invitation.accepted_by_id == user.pk:
                return Membership.objects.get(user=user)
            raise InvitationError("This invitation has already been used.")
        if invitation.status == "revoked":
            raise InvitationError("This invitation was withdrawn. Ask for a new one.")
        if invitation.status == "expired":
            raise InvitationError("This invitation has expired. Ask for a new one.")
        if invitation.email.lower() != (user.email or "").lower():
            raise InvitationError(
                f"This invitation was sent to {invitation.email}, but you are logged in as "
                f"{user.email}. Log out and sign up or log in with {invitation.email}."
            )
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        return membership


@transaction.atomic
def invitation_revoke(*, organization: Organization, actor: Membership, invitation_id: int) -> None:
    _require_role_to_grant(actor, Role.MEMBER)
    invitation = invitation_get(organization=organization, invitation_id=invitation_id)
    if invitation.status == "pending" or invitation.status == "expired":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


# --- memberships -----------------------------------------------------------------------


def _owner_count(organization: Organization) -> int:
    return Membership.objects.for_org(organization).filter(role=Role.OWNER).count()


@transaction.atomic
def membership_change_role(
    *, organization: Organization, actor: Membership, membership_id: int, role: str
) -> Membership:
    membership = membership_get(organization=organization, membership_id=membership_id)
    _require_role_to_grant(actor, role)
    if membership.role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied("Only an owner can change another owner's role.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    # Lock the owners so two concurrent demotions cannot leave the organization ownerless.
    list(Membership.objects.for_org(organization).filter(role=Role.OWNER).select_for_update())
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(organization) == 1:
        raise ValidationError(
            "An organization always keeps an owner: make someone else owner first."
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, organization: Organization, actor: Membership, membership_id: int) -> None:
    membership = membership_get(organization=organization, membership_id=membership_id)
    leaving = membership.pk == actor.pk
    if not leaving:
        _require_role_to_grant(actor, Role.MEMBER)
        if membership.role == Role.OWNER and actor.role != Role.OWNER:
            raise PermissionDenied("Only an owner can remove another owner.")
    list(Membership.objects.for_org(organization).filter(role=Role.OWNER).select_for_update())
    if membership.role == Role.OWNER and _owner_count(organization) == 1:
        raise ValidationError(
            "An organization always keeps an owner: make someone else owner first."
        )
    membership.delete()


# --- API keys --------------------------------------------------------------------------


@transaction.atomic
def api_key_create(
    *, organization: Organization, actor: Membership, name: str, role: str
) -> tuple[ApiKey, str]:
    """A new key; the raw key is returned once and never stored."""
    if not Role.at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners create API keys.")
    if role not in ApiKey.Access.values:
        raise ValidationError({"role": "Choose read-only or read-and-write access."})
    prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_token(raw),
        role=role,
        created_by=actor.user,
    )
    key.full_clean()
    key.save()
    return key, raw


@transaction.atomic
def api_key_revoke(*, organization: Organization, actor: Membership, key_id: int) -> ApiKey:
    if not Role.at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners revoke API keys.")
    key = api_key_get(organization=organization, key_id=key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key


def api_key_touch(*, organization: Organization, key: ApiKey) -> None:
    ApiKey.objects.for_org(organization).filter(pk=key.pk).update(last_used_at=timezone.now())
