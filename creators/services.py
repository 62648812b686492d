"""Every write to creators, their accounts, rates, lists, notes and saved searches.

Each service is one transaction and ends by refreshing the creators' derived search fields
(creators.derived), so discovery and the fit score always see current figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from creators.derived import refresh_derived
from creators.models import (
    AGE_BUCKETS,
    GENDERS,
    Creator,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    CredentialStatus,
    PlatformCredential,
    RateCardItem,
    SavedSearch,
    SocialAccount,
    Source,
)
from kolhub.models import Organization

CREATOR_FIELDS = [
    "name", "email", "photo_url", "bio", "role", "profession", "credentials",
    "years_experience", "credential_evidence_url", "niches", "languages", "country", "city",
    "rate_currency", "status", "notes", "owner",
]  # fmt: skip
ACCOUNT_FIGURES = [
    "followers", "avg_views", "engagement_rate", "audience_ages", "audience_gender",
    "audience_countries", "audience_interests", "credibility", "sponsored_ratio",
    "brands_mentioned",
]  # fmt: skip


def normalize_handle(handle: str) -> str:
    return handle.strip().lstrip("@").strip().lower()


def normalize_tags(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(str(value).split()).lower()
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _distribution_key(name: str, key) -> str:
    key = " ".join(str(key).split())
    if name == "audience_countries":
        return key.upper()
    if name == "audience_interests":
        return key.lower()
    return key


def validate_distribution(name: str, distribution: Mapping[str, Any], allowed=None) -> dict:
    """Percent shares: each 0–100, summing to at most 100 (a little rounding allowed)."""
    clean: dict[str, float] = {}
    for key, value in (distribution or {}).items():
        try:
            share = float(value)
        except (TypeError, ValueError):
            raise ValidationError({name: f"{key}: {value!r} is not a number."}) from None
        if not 0 <= share <= 100:
            raise ValidationError({name: f"{key}: {share:g}% is outside 0–100%."})
        if allowed is not None and key not in allowed:
            raise ValidationError({name: f"{key!r} is not one of {', '.join(allowed)}."})
        if share:
            clean[_distribution_key(name, key)] = share
    if sum(clean.values()) > 100.5:
        raise ValidationError({name: f"The shares add up to {sum(clean.values()):g}%, over 100%."})
    return clean


def _check_percent(name: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except Exception:
        raise ValidationError({name: f"{value!r} is not a number."}) from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationError({name: f"{number}% is outside 0–100%."})
    return number


def _check_count(name: str, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(",", "").replace("_", ""))
    except ValueError:
        raise ValidationError({name: f"{value!r} is not a whole number."}) from None
    if number < 0:
        raise ValidationError({name: f"{number} is negative."})
    return number


def clean_account_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalize the figures of one social account."""
    out: dict[str, Any] = {}
    for name in ("followers", "avg_views"):
        if name in figures:
            out[name] = _check_count(name, figures[name])
    for name in ("engagement_rate", "credibility", "sponsored_ratio"):
        if name in figures:
            out[name] = _check_percent(name, figures[name])
    checks = {
        "audience_ages": AGE_BUCKETS, "audience_gender": GENDERS,
        "audience_countries": None, "audience_interests": None,
    }  # fmt: skip
    for name, allowed in checks.items():
        if name in figures:
            out[name] = validate_distribution(name, figures[name] or {}, allowed)
    if "brands_mentioned" in figures:
        out["brands_mentioned"] = [
            b.strip() for b in figures["brands_mentioned"] or [] if b.strip()
        ]
    return out


def apply_creator_fields(creator: Creator, data: Mapping[str, Any]) -> None:
    """Set profile fields from input, normalized, with the credential-status rule; the
    form, the API and the importer all go through here (the caller saves)."""
    checked = creator.credentials
    for name in CREATOR_FIELDS:
        if name in data:
            value = data[name]
            if name in ("niches", "languages"):
                value = normalize_tags(value or [])
            elif name == "country":
                value = (value or "").strip().upper()
            elif value is None and name not in ("years_experience", "owner"):
                value = ""
            setattr(creator, name, value)
    if creator.credentials and creator.credential_status == CredentialStatus.NONE:
        creator.credential_status = CredentialStatus.UNVERIFIED
    if (
        creator.pk
        and creator.credentials != checked
        and creator.credential_status in (CredentialStatus.VERIFIED, CredentialStatus.REJECTED)
    ):
        # A check vouched for the credentials as they read then; new wording is unchecked.
        creator.credential_status = CredentialStatus.UNVERIFIED
        creator.credential_verified_by = None
        creator.credential_verified_at = None
    if not creator.credentials:
        creator.credential_status = CredentialStatus.NONE


def _full_clean(creator: Creator) -> None:
    # Derived fields are maintained by refresh_derived, not validated as input.
    creator.full_clean(exclude=["search_vector", "engagement_rate", "credibility",
                                "sponsored_ratio", "min_rate", "organization"])  # fmt: skip


@transaction.atomic
def creator_create(
    *, organization: Organization, data: Mapping[str, Any],
    accounts: Iterable[Mapping[str, Any]] = (), rates: Mapping[str, Any] | None = None,
    source: str = Source.MANUAL,
) -> Creator:  # fmt: skip
    creator = Creator(organization=organization)
    apply_creator_fields(creator, data)
    _full_clean(creator)
    creator.save()
    for account in accounts:
        account_upsert(organization=organization, creator=creator, data=account, source=source,
                       refresh=False)  # fmt: skip
    if rates:
        rates_set(organization=organization, creator=creator, rates=rates, refresh=False)
    refresh_derived(organization=organization, creator_ids=[creator.pk])
    creator.refresh_from_db()
    return creator


@transaction.atomic
def creator_update(
    *, organization: Organization, creator: Creator, data: Mapping[str, Any],
    accounts: Iterable[Mapping[str, Any]] = (), rates: Mapping[str, Any] | None = None,
) -> Creator:  # fmt: skip
    """Profile fields, and optionally accounts to add or update and a new rate card, in
    one transaction: a bad account leaves the profile as it was."""
    _same_org(organization, creator)
    apply_creator_fields(creator, data)
    _full_clean(creator)
    creator.save()
    for account in accounts:
        account_upsert(organization=organization, creator=creator, data=account, refresh=False)
    if rates is not None:
        rates_set(organization=organization, creator=creator, rates=rates, refresh=False)
    refresh_derived(organization=organization, creator_ids=[creator.pk])
    creator.refresh_from_db()
    return creator


def _same_org(organization: Organization, *objects) -> None:
    # Foreign keys between tenant rows are not checked by RLS; check them here.
    for obj in objects:
        if obj.organization_id != organization.pk:
            raise ValidationError("That record belongs to another organization.")


@transaction.atomic
def account_upsert(
    *, organization: Organization, creator: Creator, data: Mapping[str, Any],
    source: str = Source.MANUAL, refresh: bool = True,
) -> SocialAccount:  # fmt: skip
    """Create or update the creator's account on (platform, handle); each figure given is
    stamped with its source and time in `provenance`."""
    _same_org(organization, creator)
    handle = normalize_handle(data.get("handle", ""))
    platform = data.get("platform", "")
    if not handle:
        raise ValidationError({"handle": "A handle is required."})
    account = (
        SocialAccount.objects.for_org(organization)
        .filter(platform=platform, handle=handle)
        .select_for_update()
        .first()
    )
    if account is not None and account.creator_id != creator.pk:
        raise ValidationError(
            {"handle": f"@{handle} on {platform} already belongs to another creator."}
        )
    account = account or SocialAccount(organization=organization, creator=creator,
                                       platform=platform, handle=handle)  # fmt: skip
    for name in ("url", "external_id"):
        if name in data:
            setattr(account, name, data[name] or "")
    figures = clean_account_figures(data)
    # A person saving a form that shows every figure vouches only for those changed; an
    # API pull or an import re-states each figure it carries.
    before = None
    if source == Source.MANUAL and account.pk:
        before = {name: getattr(account, name) for name in figures}
    _set_figures(account, figures, source=source, before=before)
    if source == Source.API:
        account.last_refreshed_at = timezone.now()
    account.full_clean(exclude=["organization", "creator"])
    account.save()
    if refresh:
        refresh_derived(organization=organization, creator_ids=[creator.pk])
    return account


def _set_figures(account: SocialAccount, figures: Mapping[str, Any], *, source: str,
                 before: Mapping[str, Any] | None) -> None:  # fmt: skip
    """Set the figures on the account and stamp each in its provenance with `source` and
    the time: every one given, or with `before` only those that differ from it."""
    stamp = {"source": source, "at": timezone.now().isoformat()}
    provenance = dict(account.provenance or {})
    for name, value in figures.items():
        setattr(account, name, value)
        if before is None or before.get(name) != value:
            provenance[name] = stamp
    account.provenance = provenance


@transaction.atomic
def account_save(
    *, organization: Organization, account: SocialAccount, source: str = Source.MANUAL,
    refresh: bool = True,
) -> SocialAccount:  # fmt: skip
    """Save an account edited field by field (the admin's forms) by account_upsert's rules:
    the creator in the same organization, the figures through clean_account_figures, and
    each figure that changed from the stored one (or, on a new account, each one set)
    stamped with `source`."""
    _same_org(organization, account, account.creator)
    figures = clean_account_figures({name: getattr(account, name) for name in ACCOUNT_FIGURES})
    stored = (
        SocialAccount.objects.for_org(organization).filter(pk=account.pk)
        .select_for_update().values(*ACCOUNT_FIGURES).first()
        if account.pk else None
    )  # fmt: skip
    # A new account is compared with a blank one: only the figures filled in are stamped.
    blank = {name: SocialAccount._meta.get_field(name).get_default() for name in figures}
    _set_figures(account, figures, source=source, before=stored or blank)
    account.handle = normalize_handle(account.handle)
    account.full_clean(exclude=["organization", "creator"])
    account.save()
    if refresh:
        refresh_derived(organization=organization, creator_ids=[account.creator_id])
    return account


@transaction.atomic
def account_delete(*, organization: Organization, account: SocialAccount) -> None:
    _same_org(organization, account)
    creator_id = account.creator_id
    account.delete()
    refresh_derived(organization=organization, creator_ids=[creator_id])


@transaction.atomic
def rates_set(
    *, organization: Organization, creator: Creator, rates: Mapping[str, Any], refresh: bool = True
) -> None:
    """Replace the rate card: {deliverable: amount}; an empty amount removes the line."""
    _same_org(organization, creator)
    for deliverable, amount in rates.items():
        existing = RateCardItem.objects.for_org(organization).filter(
            creator=creator, deliverable=deliverable
        )
        if amount in (None, ""):
            existing.delete()
            continue
        try:
            value = Decimal(str(amount))
        except Exception:
            raise ValidationError({deliverable: f"{amount!r} is not an amount."}) from None
        if value < 0:
            raise ValidationError({deliverable: "A rate cannot be negative."})
        RateCardItem.objects.update_or_create(
            organization=organization, creator=creator, deliverable=deliverable,
            defaults={"amount": value},
        )  # fmt: skip
    if refresh:
        refresh_derived(organization=organization, creator_ids=[creator.pk])


@transaction.atomic
def credential_set_status(
    *, organization: Organization, creator: Creator, status: str, evidence_url: str,
    verified_by: AbstractBaseUser,
) -> Creator:  # fmt: skip
    """Record a credential check: who looked, at what evidence, with what result."""
    _same_org(organization, creator)
    if status not in CredentialStatus.values:
        raise ValidationError({"credential_status": f"Unknown status {status!r}."})
    if status == CredentialStatus.VERIFIED and not (
        evidence_url or creator.credential_evidence_url
    ):
        raise ValidationError(
            {"credential_evidence_url": "Link the evidence (a licence register entry, a "
             "university page) before marking credentials verified."}
        )  # fmt: skip
    if not creator.credentials and status != CredentialStatus.NONE:
        raise ValidationError({"credentials": "Enter the credentials before verifying them."})
    creator.credential_status = status
    if evidence_url:
        creator.credential_evidence_url = evidence_url
    creator.credential_verified_by = verified_by
    creator.credential_verified_at = timezone.now()
    _full_clean(creator)
    creator.save()
    refresh_derived(organization=organization, creator_ids=[creator.pk])
    creator.refresh_from_db()
    return creator


@transaction.atomic
def note_add(
    *, organization: Organization, creator: Creator, author: AbstractBaseUser, text: str
) -> CreatorNote:
    _same_org(organization, creator)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write something first."})
    return CreatorNote.objects.create(
        organization=organization, creator=creator, author=author, text=text
    )


# --- lists -----------------------------------------------------------------------------


@transaction.atomic
def list_create(*, organization: Organization, name: str, created_by: AbstractBaseUser,
                description: str = "") -> CreatorList:  # fmt: skip
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the list."})
    if CreatorList.objects.for_org(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a list called {name!r}."})
    return CreatorList.objects.create(
        organization=organization, name=name, description=description, created_by=created_by
    )


@transaction.atomic
def list_add_creators(
    *, organization: Organization, creator_list: CreatorList, creator_ids: Iterable[int],
    added_by: AbstractBaseUser,
) -> int:  # fmt: skip
    """Add creators (ids of this organization only) to the list; returns how many were new."""
    _same_org(organization, creator_list)
    ids = set(Creator.objects.for_org(organization).filter(id__in=list(creator_ids))
              .values_list("id", flat=True))  # fmt: skip
    present = set(creator_list.entries.values_list("creator_id", flat=True))
    new = ids - present
    CreatorListEntry.objects.bulk_create(
        CreatorListEntry(organization=organization, creator_list=creator_list, creator_id=i,
                         added_by=added_by)
        for i in sorted(new)
    )  # fmt: skip
    return len(new)


@transaction.atomic
def list_remove_creator(
    *, organization: Organization, creator_list: CreatorList, creator: Creator
) -> None:
    _same_org(organization, creator_list, creator)
    CreatorListEntry.objects.for_org(organization).filter(
        creator_list=creator_list, creator=creator
    ).delete()


@transaction.atomic
def list_delete(*, organization: Organization, creator_list: CreatorList) -> None:
    _same_org(organization, creator_list)
    creator_list.delete()


@transaction.atomic
def saved_search_save(*, organization: Organization, name: str, query: Mapping[str, Any],
                      created_by: AbstractBaseUser) -> SavedSearch:  # fmt: skip
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the search."})
    search, _ = SavedSearch.objects.update_or_create(
        organization=organization, name=name,
        defaults={"query": dict(query), "created_by": created_by},
    )  # fmt: skip
    return search


@transaction.atomic
def saved_search_delete(*, organization: Organization, saved_search: SavedSearch) -> None:
    _same_org(organization, saved_search)
    saved_search.delete()


@transaction.atomic
def platform_credential_set(
    *, organization: Organization, platform: str, api_key: str, base_url: str = "",
    stale_after_days: int = 7,
) -> PlatformCredential:  # fmt: skip
    api_key = api_key.strip()
    if not api_key:
        raise ValidationError({"api_key": "Paste the API key."})
    credential, _ = PlatformCredential.objects.update_or_create(
        organization=organization, platform=platform,
        defaults={"api_key": api_key, "base_url": base_url, "stale_after_days": stale_after_days},
    )  # fmt: skip
    return credential
