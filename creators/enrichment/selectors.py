"""Reads for enrichment: which accounts are due a refresh, the organization's platform
keys (summarised, never the key itself), and the accounts whose last refresh failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from creators.enrichment.adapters import adapter_for, adapter_platforms, adapters
from creators.models import PlatformCredential, SocialAccount
from kolhub.models import Organization
from kolhub.tenancy.context import dangerously_unscoped

# After a failure, beat leaves the account alone this long: a key out of quota stays out
# until Google's daily reset, and retrying every hour only fills the failure list. "Refresh
# now" ignores this.
FAILURE_RETRY_AFTER = timedelta(hours=6)
# Fewer characters than this and the last four would give away too much of the key.
KEY_HINT_MIN_LENGTH = 16


@dataclass(frozen=True)
class CredentialSummary:
    """What the settings page may show about a platform key: never the key itself."""

    platform: str
    label: str
    configured: bool
    key_last4: str = ""
    base_url: str = ""
    stale_after_days: int = 7
    updated_at: datetime | None = None


def credential_get(*, organization: Organization, platform: str) -> PlatformCredential | None:
    return PlatformCredential.objects.for_org(organization).filter(platform=platform).first()


def credential_summary_list(*, organization: Organization) -> list[CredentialSummary]:
    """One summary per platform we have an adapter for, configured or not."""
    stored = {c.platform: c for c in PlatformCredential.objects.for_org(organization)}
    summaries = []
    for adapter in adapters():
        credential = stored.get(adapter.platform)
        if credential is None:
            summaries.append(
                CredentialSummary(platform=adapter.platform, label=adapter.label, configured=False)
            )
            continue
        key = credential.api_key
        summaries.append(
            CredentialSummary(
                platform=adapter.platform,
                label=adapter.label,
                configured=True,
                key_last4=key[-4:] if len(key) >= KEY_HINT_MIN_LENGTH else "",
                base_url=credential.base_url,
                stale_after_days=credential.stale_after_days,
                updated_at=credential.updated_at,
            )
        )
    return summaries


def stale_accounts(
    *, organization: Organization, now: datetime | None = None
) -> QuerySet[SocialAccount]:
    """Accounts due a refresh: their platform has an adapter and a key here, and they were
    never refreshed or not within the key's `stale_after_days`. Accounts that failed in the
    last FAILURE_RETRY_AFTER wait."""
    now = now or timezone.now()
    due = Q()
    credentials = PlatformCredential.objects.for_org(organization).filter(
        platform__in=adapter_platforms()
    )
    for credential in credentials:
        cutoff = now - timedelta(days=credential.stale_after_days)
        due |= Q(platform=credential.platform) & (
            Q(last_refreshed_at__isnull=True) | Q(last_refreshed_at__lt=cutoff)
        )
    if not due:
        return SocialAccount.objects.for_org(organization).none()
    return (
        SocialAccount.objects.for_org(organization)
        .filter(due)
        .exclude(refresh_failed_at__gte=now - FAILURE_RETRY_AFTER)
        # Never-refreshed first, then the oldest: a run cut short still did the most good.
        .order_by(F("last_refreshed_at").asc(nulls_first=True), "pk")
    )


def account_list_for_refresh(
    *, organization: Organization, account_ids: list[int], only_stale: bool = False
) -> list[SocialAccount]:
    """The given accounts of this organization (ids of another one are simply not found)."""
    queryset = stale_accounts(organization=organization) if only_stale else (
        SocialAccount.objects.for_org(organization)
    )  # fmt: skip
    return list(queryset.filter(pk__in=account_ids).select_related("creator").order_by("pk"))


def account_get(*, organization: Organization, account_id: int) -> SocialAccount:
    return SocialAccount.objects.for_org(organization).select_related("creator").get(pk=account_id)


def refresh_failure_list(*, organization: Organization, limit: int = 50) -> list[SocialAccount]:
    """Accounts whose last refresh failed, most recent first (a success clears the error)."""
    return list(
        SocialAccount.objects.for_org(organization)
        .exclude(refresh_error="")
        .select_related("creator")
        .order_by("-refresh_failed_at", "-pk")[:limit]
    )


def is_refreshable(platform: str) -> bool:
    return adapter_for(platform) is not None


def organization_ids_with_credentials() -> list[int]:
    """Platform-level: every organization with a key for a platform we can refresh. Only
    ids leave this function; each organization's accounts are read inside its own tenant."""
    with dangerously_unscoped():
        return sorted(
            set(
                PlatformCredential.objects.filter(platform__in=adapter_platforms()).values_list(
                    "organization_id", flat=True
                )
            )
        )
