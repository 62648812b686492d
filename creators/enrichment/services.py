"""Writes for enrichment: refreshing accounts' figures from platform APIs, queueing those
refreshes, and the organization's platform keys.

Figures are written through creators.services.account_upsert(source="api"), the one way
figures reach an account, so provenance is stamped and derived fields follow. A failure is
recorded on its account (refresh_error, refresh_failed_at) and the batch goes on."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from creators.derived import refresh_derived
from creators.enrichment import selectors
from creators.enrichment.adapters import Failure, Figures, Outcome, adapter_for
from creators.models import Creator, PlatformCredential, SocialAccount, Source
from creators.services import account_upsert, platform_credential_set
from kolhub.models import Organization

logger = logging.getLogger(__name__)

# Accounts per refresh task: two channels.list calls by id, or a hundred handle lookups,
# well inside the task time limit even when the API is slow.
TASK_CHUNK = 100
MAX_REASON_LENGTH = 1000


@dataclass
class RefreshSummary:
    refreshed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    # Accounts on platforms no adapter serves: nothing is wrong with them, nothing was done.
    skipped: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def refresh_accounts(
    *, organization: Organization, account_ids: Sequence[int], only_stale: bool = False
) -> RefreshSummary:
    """Fetch fresh figures for these accounts of the organization and write them.

    Never raises for an account, a key or the network: each failure is recorded on its
    account. With `only_stale`, accounts refreshed since they were queued are left alone,
    so a task that runs twice costs no second request."""
    accounts = selectors.account_list_for_refresh(
        organization=organization, account_ids=list(account_ids), only_stale=only_stale
    )
    summary = RefreshSummary()
    # The API calls happen before any row is locked: a slow platform holds no locks.
    outcomes: dict[int, Outcome] = {}
    for platform, group in _by_platform(accounts):
        adapter = adapter_for(platform)
        if adapter is None:
            summary.skipped.extend(a.pk for a in group)
            continue
        credential = selectors.credential_get(organization=organization, platform=platform)
        if credential is None:
            missing = Failure(f"No {adapter.label} API key is set up for this organization.")
            outcomes.update({a.pk: missing for a in group})
            continue
        try:
            outcomes.update(adapter.fetch(group, credential))
        except Exception as error:
            # An adapter bug must not take the other platforms' accounts down with it.
            logger.exception("%s adapter failed for organization %s", platform, organization.pk)
            crashed = Failure(f"The {adapter.label} adapter failed: {error.__class__.__name__}.")
            outcomes.update({a.pk: crashed for a in group})
    _write_outcomes(organization=organization, accounts=accounts, outcomes=outcomes,
                    summary=summary)  # fmt: skip
    return summary


@transaction.atomic
def _write_outcomes(
    *, organization: Organization, accounts: list[SocialAccount], outcomes: dict[int, Outcome],
    summary: RefreshSummary,
) -> None:  # fmt: skip
    now = timezone.now()
    refreshed_creators: set[int] = set()
    for account in accounts:
        if account.pk in summary.skipped:
            continue
        outcome = outcomes.get(account.pk) or Failure("The platform returned nothing for it.")
        if isinstance(outcome, Figures):
            try:
                # A savepoint per account: a row that fails validation rolls back alone.
                with transaction.atomic():
                    _write_figures(organization=organization, account=account, figures=outcome)
            except (ValidationError, DatabaseError) as error:
                outcome = Failure(f"The figures could not be saved: {_messages(error)}")
            else:
                summary.refreshed.append(account.pk)
                refreshed_creators.add(account.creator_id)
                continue
        reason = outcome.reason[:MAX_REASON_LENGTH]
        SocialAccount.objects.for_org(organization).filter(pk=account.pk).update(
            refresh_error=reason, refresh_failed_at=now
        )
        summary.failed[account.pk] = reason
    # Once for the whole batch rather than once per account.
    refresh_derived(organization=organization, creator_ids=refreshed_creators)


def _write_figures(*, organization: Organization, account: SocialAccount, figures: Figures) -> None:
    data = {"platform": account.platform, "handle": account.handle,
            "external_id": figures.external_id, **figures.values}  # fmt: skip
    if figures.url and not account.url:
        data["url"] = figures.url
    # source="api" stamps each figure's provenance and sets last_refreshed_at.
    account_upsert(organization=organization, creator=account.creator, data=data,
                   source=Source.API, refresh=False)  # fmt: skip
    SocialAccount.objects.for_org(organization).filter(pk=account.pk).update(
        refresh_error="", refresh_failed_at=None
    )
    if figures.photo_url:
        # Fill a missing photo only; one a person chose is never replaced. In SQL, so two
        # refreshes racing cannot overwrite each other's choice either.
        Creator.objects.for_org(organization).filter(pk=account.creator_id, photo_url="").update(
            photo_url=figures.photo_url
        )


def _by_platform(accounts: list[SocialAccount]) -> Iterator[tuple[str, list[SocialAccount]]]:
    groups: dict[str, list[SocialAccount]] = {}
    for account in accounts:
        groups.setdefault(account.platform, []).append(account)
    yield from groups.items()


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.__class__.__name__


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- queueing ------------------------------------------------------------------------------


@transaction.atomic
def stale_refresh_enqueue(*, organization: Organization) -> int:
    """Queue refreshes for the organization's stale accounts, TASK_CHUNK per task, after
    commit. Returns how many accounts were queued."""
    from creators.enrichment.tasks import refresh_accounts_task

    ids = list(selectors.stale_accounts(organization=organization).values_list("pk", flat=True))
    for chunk in _chunks(ids, TASK_CHUNK):
        # only_stale: if beat queues the same accounts again before a busy worker gets to
        # them, the second task finds them fresh and sends nothing.
        refresh_accounts_task.delay_on_commit(organization.pk, chunk, True)
    return len(ids)


@transaction.atomic
def account_refresh_request(*, organization: Organization, account_id: int) -> SocialAccount:
    """The "Refresh now" button: checks the account can be refreshed, queues it after commit.
    Raises SocialAccount.DoesNotExist for an id that is not this organization's."""
    from creators.enrichment.tasks import refresh_accounts_task

    account = selectors.account_get(organization=organization, account_id=account_id)
    adapter = adapter_for(account.platform)
    if adapter is None:
        raise ValidationError(
            f"{account.get_platform_display()} figures cannot be refreshed from an API yet; "
            "update them by hand or by import."
        )
    if selectors.credential_get(organization=organization, platform=account.platform) is None:
        raise ValidationError(
            f"No {adapter.label} API key is set up: an admin can add one under Creators → "
            "Integrations."
        )
    refresh_accounts_task.delay_on_commit(organization.pk, [account.pk])
    return account


# --- platform keys -------------------------------------------------------------------------


@transaction.atomic
def credential_save(
    *, organization: Organization, platform: str, api_key: str, base_url: str,
    stale_after_days: int,
) -> PlatformCredential:  # fmt: skip
    """Set the platform key and its options. A blank key keeps the stored one, so the
    options can change without pasting the key again (the page never shows it)."""
    if adapter_for(platform) is None:
        raise ValidationError({"platform": f"{platform!r} has no API integration."})
    api_key = api_key.strip()
    if any(ch.isspace() for ch in api_key):
        raise ValidationError({"api_key": "An API key has no spaces: paste only the key."})
    if not api_key:
        existing = selectors.credential_get(organization=organization, platform=platform)
        api_key = existing.api_key if existing is not None else ""
    if not 1 <= stale_after_days <= 365:
        raise ValidationError({"stale_after_days": "Choose between 1 and 365 days."})
    return platform_credential_set(
        organization=organization, platform=platform, api_key=api_key,
        base_url=base_url.strip().rstrip("/"), stale_after_days=stale_after_days,
    )  # fmt: skip


@transaction.atomic
def credential_delete(*, organization: Organization, platform: str) -> bool:
    """Remove the platform key: beat stops refreshing that platform's accounts."""
    deleted, _ = PlatformCredential.objects.for_org(organization).filter(platform=platform).delete()
    return bool(deleted)
