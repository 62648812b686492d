"""Reads shared by views, the API and the templates."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from kolhub.models import API_KEY_PREFIX, ApiKey, Invitation, Membership, Organization, OutboxEmail
from kolhub.tenancy.context import dangerously_unscoped

API_KEY_SCHEME = "Api-Key"


def membership_list_for_user(user: AbstractBaseUser) -> list[Membership]:
    """Every organization this user belongs to. Platform-level by nature (it spans
    tenants), so it runs unscoped, as the owner role, before any tenant context."""
    with dangerously_unscoped():
        return list(
            Membership.objects.filter(user=user)
            .select_related("organization")
            .order_by("organization__name")
        )


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_org(organization).select_related("user").order_by("user__email")


def membership_get(*, organization: Organization, membership_id: int) -> Membership:
    return Membership.objects.for_org(organization).select_related("user").get(pk=membership_id)


def invitation_list_pending(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.for_org(organization).filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    )


def invitation_get(*, organization: Organization, invitation_id: int) -> Invitation:
    return Invitation.objects.for_org(organization).get(pk=invitation_id)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_by_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, whatever its state (the page explains
    expired or used ones). Platform-level: the visitor is not a member yet."""
    with dangerously_unscoped():
        return (
            Invitation.objects.filter(token_hash=hash_token(token))
            .select_related("organization", "invited_by")
            .first()
        )


def api_key_list(*, organization: Organization) -> QuerySet[ApiKey]:
    return ApiKey.objects.for_org(organization).select_related("created_by")


def api_key_get(*, organization: Organization, key_id: int) -> ApiKey:
    return ApiKey.objects.for_org(organization).get(pk=key_id)


def api_key_authenticate(authorization: str) -> ApiKey | None:
    """The live key an `Authorization: Api-Key kh_<prefix>_<secret>` header names, or None.

    Platform-level lookup (the key tells us the tenant), compared in constant time."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() not in {"api-key", "bearer"} or not raw.startswith(API_KEY_PREFIX):
        return None
    prefix = raw[len(API_KEY_PREFIX) :].split("_", 1)[0]
    digest = hash_token(raw)
    with dangerously_unscoped():
        candidates = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related(
            "organization"
        )
        for key in candidates:
            if hmac.compare_digest(key.key_hash, digest):
                return key
    return None


def api_key_needs_touch(key: ApiKey) -> bool:
    """last_used_at is kept to the minute: one write a minute per key, not per request."""
    return key.last_used_at is None or timezone.now() - key.last_used_at > timedelta(minutes=1)


def outbox_list() -> QuerySet[OutboxEmail]:
    return OutboxEmail.objects.all()
