"""Reads for discovery, the creator page, lists and saved searches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import QueryDict

from creators import scoring
from creators.filters import TARGET_PARAMS, CreatorFilterSet, target_from
from creators.models import (
    Creator,
    CreatorList,
    CreatorNote,
    PlatformCredential,
    RateCardItem,
    SavedSearch,
    SocialAccount,
)
from kolhub.models import Organization

RESULT_FIELDS = [
    "id", "name", "photo_url", "role", "credentials", "credential_status", "profession",
    "country", "city", "niches", "platforms", "handles", "followers", "engagement_rate",
    "audience_countries", "min_rate", "rate_currency", "status", "base_score",
]  # fmt: skip


def creator_search(*, organization: Organization, params: Mapping[str, Any]) -> CreatorFilterSet:
    """Discovery: the FilterSet (its .form carries the errors, .qs the ordered results
    with `fit` annotated, .target the ad hoc target audience)."""
    queryset = Creator.objects.for_org(organization).only(*RESULT_FIELDS)
    return CreatorFilterSet(data=as_query_dict(params), queryset=queryset,
                            organization=organization)  # fmt: skip


def as_query_dict(params: Mapping[str, Any]) -> QueryDict:
    """Request parameters as a QueryDict; a plain dict's values may be single or lists."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(key, [str(v) for v in values if v is not None])
    return query


def creator_get(*, organization: Organization, creator_id: int) -> Creator:
    return (
        Creator.objects.for_org(organization)
        .select_related("owner", "credential_verified_by")
        .prefetch_related(
            Prefetch("accounts", queryset=SocialAccount.objects.for_org(organization)),
            Prefetch("rates", queryset=RateCardItem.objects.for_org(organization)),
            Prefetch(
                "timeline_notes",
                queryset=CreatorNote.objects.for_org(organization).select_related("author"),
            ),
            Prefetch("lists", queryset=CreatorList.objects.for_org(organization)),
        )
        .get(pk=creator_id)
    )


def audience_account(*, creator: Creator) -> SocialAccount | None:
    """The account whose audience is the creator's (the largest, as creators.derived picks
    it: followers descending, unknown last, then id), from the prefetched accounts."""
    accounts = list(creator.accounts.all())
    return min(accounts, key=lambda a: (a.followers is None, -(a.followers or 0), a.pk),
               default=None)  # fmt: skip


def account_get(*, organization: Organization, creator: Creator, account_id: int) -> SocialAccount:
    return SocialAccount.objects.for_org(organization).get(pk=account_id, creator=creator)


def creator_scorecard(*, creator: Creator, params: Mapping[str, Any]) -> scoring.Scorecard:
    """The scorecard against the target in `params` (discovery's filters, carried along).
    Raises ValidationError naming each target parameter that is not valid: a scorecard
    against part of the target, or none, would pass for the one asked for."""
    filterset = CreatorFilterSet(data=as_query_dict(params), queryset=Creator.objects.none())
    filterset.form.is_valid()
    # Only the target's own parameters matter here (a bad er_min carried along from the
    # search does not change the audience scored against).
    errors = {name: filterset.form.errors[name] for name in TARGET_PARAMS
              if name in filterset.form.errors}  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return scoring.scorecard(creator, target_from(filterset.form.cleaned_data))


def list_list(*, organization: Organization) -> QuerySet[CreatorList]:
    return (
        CreatorList.objects.for_org(organization)
        .select_related("created_by")
        .annotate(size=Count("entries"))
        .order_by("name")
    )


def list_member_list(*, organization: Organization, creator_list: CreatorList) -> QuerySet[Creator]:
    """The creators in a list, by name."""
    return (
        Creator.objects.for_org(organization)
        .filter(list_entries__creator_list=creator_list)
        .order_by("name", "id")
    )


def list_get(*, organization: Organization, list_id: int) -> CreatorList:
    return CreatorList.objects.for_org(organization).select_related("created_by").get(pk=list_id)


def saved_search_list(*, organization: Organization) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.for_org(organization).order_by("name")


def saved_search_get(*, organization: Organization, search_id: int) -> SavedSearch:
    return SavedSearch.objects.for_org(organization).get(pk=search_id)


def platform_credential_get(
    *, organization: Organization, platform: str
) -> PlatformCredential | None:
    return PlatformCredential.objects.for_org(organization).filter(platform=platform).first()
