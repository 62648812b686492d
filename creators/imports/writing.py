"""Writing one batch of validated rows: a handful of statements for thousands of rows.

Runs inside the caller's tenant transaction. The rules:

- an account is (organization, platform, handle). A row whose account exists is a
  duplicate: with "update" it updates that account and its creator, with "skip" it
  touches nothing;
- a row whose account is new belongs to an existing creator with the same name and email
  (both compared case-insensitively; rows without an email always start a new creator),
  to a creator started by an earlier row of the same batch, or to a new creator. With
  "skip", an existing creator's own fields and rates are left alone; the new account is
  still added to it;
- empty cells were dropped by the validator, so they never erase a stored value;
- each figure written is stamped in the account's provenance with source "import" and
  the time, the structure creators.services.account_upsert writes.

New rows go in with bulk_create; existing rows are read once, changed in Python (the
creator with creators.services' own field rules) and written back with one UPDATE per
table from a JSON recordset, then creators.derived.refresh_derived runs once for the
batch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model
from django.db.models.functions import Lower

from creators.derived import refresh_derived
from creators.imports.fields import CREATOR_KEYS
from creators.imports.rows import RowResult
from creators.models import Creator, CreatorImport, RateCardItem, SocialAccount, Source
from creators.services import _apply_creator_fields
from kolhub.models import Organization

ACCOUNT_COLUMNS = ["url", "followers", "avg_views", "engagement_rate", "credibility",
                   "sponsored_ratio", "brands_mentioned", "audience_countries", "audience_ages",
                   "audience_gender", "audience_interests"]  # fmt: skip
NOT_FIGURES = {"platform", "handle", "url"}

EXISTING_ACCOUNTS_SQL = """
SELECT a.platform, a.handle, a.id, a.creator_id
  FROM creators_socialaccount a
  JOIN unnest(%s::text[], %s::text[]) AS k(platform, handle)
    ON a.platform = k.platform AND a.handle = k.handle
 WHERE a.organization_id = %s
"""


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    creator_ids: set[int] = field(default_factory=set)


def write_batch(
    *, organization: Organization, rows: Sequence[RowResult], on_duplicate: str,
    now: dt.datetime,
) -> BatchOutcome:  # fmt: skip
    outcome = BatchOutcome()
    if not rows:
        return outcome
    update = on_duplicate == CreatorImport.OnDuplicate.UPDATE
    stamp = {"source": Source.IMPORT, "at": now.isoformat()}

    existing = _existing_accounts(organization, rows)
    duplicates = [r for r in rows if _account_key(r) in existing]
    fresh = [r for r in rows if _account_key(r) not in existing]
    if not update:
        outcome.skipped = len(duplicates)
        duplicates = []

    # Every existing creator this batch may touch, each loaded once, so two rows about the
    # same creator change one object.
    emails = {r.values["email"].lower() for r in fresh if r.values.get("email")}
    owner_ids = {existing[_account_key(r)][1] for r in duplicates}
    creators: dict[int, Creator] = {}
    if owner_ids or emails:
        query = Creator.objects.for_org(organization).defer("search_vector")
        for creator in query.filter(id__in=owner_ids):
            creators[creator.pk] = creator
        by_identity: dict[tuple[str, str], Creator] = {}
        if emails:
            matches = (
                query.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=emails)
                .order_by("id")
            )
            for creator in matches:
                creator = creators.setdefault(creator.pk, creator)
                by_identity.setdefault(_identity(creator.name, creator.email), creator)
    else:
        by_identity = {}

    changed: dict[int, Creator] = {}
    new_creators: list[Creator] = []
    started: dict[tuple[str, str], Creator] = {}
    row_creator: list[tuple[RowResult, Creator, bool]] = []  # (row, creator, may change it)
    for row in rows:
        key = _account_key(row)
        data = row.creator_data()
        if key in existing:
            if not update:
                continue
            creator = creators[existing[key][1]]
            writable = True
        else:
            identity = _identity(data["name"], data.get("email", ""))
            creator = started.get(identity) if identity else None
            if creator is None and identity:
                creator = by_identity.get(identity)
            if creator is None:
                creator = Creator(organization=organization)
                new_creators.append(creator)
                if identity:
                    started[identity] = creator
            writable = creator.pk is None or update
        if writable:
            _apply_creator_fields(creator, data)
            if creator.pk is not None:
                changed[creator.pk] = creator
        row_creator.append((row, creator, writable))

    Creator.objects.bulk_create(new_creators)
    columns = [k for k in CREATOR_KEYS if any(k in r.values for r, _, w in row_creator if w)]
    for creator in changed.values():
        creator.updated_at = now
    _update_rows(organization, Creator, changed.values(),
                 [*columns, "credential_status", "updated_at"])  # fmt: skip

    new_accounts, updated_accounts = [], []
    accounts_by_id = {}
    if duplicates:
        ids = [existing[_account_key(r)][0] for r in duplicates]
        accounts_by_id = {a.pk: a for a in SocialAccount.objects.for_org(organization).filter(
            id__in=ids)}  # fmt: skip
    rates: dict[tuple[int, str], RateCardItem] = {}
    for row, creator, writable in row_creator:
        key = _account_key(row)
        data = row.account_data()
        if key in existing:
            account = accounts_by_id[existing[key][0]]
            updated_accounts.append(account)
            outcome.updated += 1
        else:
            account = SocialAccount(organization=organization, creator_id=creator.pk,
                                    platform=key[0], handle=key[1])  # fmt: skip
            new_accounts.append(account)
            outcome.created += 1
        provenance = dict(account.provenance or {})
        for name, value in data.items():
            if name in ("platform", "handle"):
                continue
            setattr(account, name, value)
            if name not in NOT_FIGURES:
                provenance[name] = stamp
        account.provenance = provenance
        account.updated_at = now
        outcome.creator_ids.add(creator.pk)
        if writable:
            for deliverable, amount in row.rates().items():
                rates[(creator.pk, deliverable)] = RateCardItem(
                    organization=organization, creator_id=creator.pk, deliverable=deliverable,
                    amount=amount,
                )  # fmt: skip

    SocialAccount.objects.bulk_create(new_accounts)
    account_columns = [c for c in ACCOUNT_COLUMNS if any(c in r.values for r in duplicates)]
    _update_rows(organization, SocialAccount, updated_accounts,
                 [*account_columns, "provenance", "updated_at"])  # fmt: skip
    if rates:
        RateCardItem.objects.bulk_create(
            rates.values(), update_conflicts=True,
            unique_fields=["organization", "creator", "deliverable"],
            update_fields=["amount", "updated_at"],
        )  # fmt: skip
    refresh_derived(organization=organization, creator_ids=outcome.creator_ids)
    return outcome


def _account_key(row: RowResult) -> tuple[str, str]:
    return row.values["platform"], row.values["handle"]


def _identity(name: str, email: str) -> tuple[str, str] | None:
    if not email:
        return None
    return " ".join(name.split()).lower(), email.strip().lower()


def _existing_accounts(
    organization: Organization, rows: Sequence[RowResult]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(platform, handle) -> (account id, creator id) for the batch's accounts that exist."""
    keys = [_account_key(r) for r in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            EXISTING_ACCOUNTS_SQL,
            [[p for p, _ in keys], [h for _, h in keys], organization.pk],
        )
        return {(p, h): (account_id, creator_id) for p, h, account_id, creator_id in cursor}


def _update_rows(
    organization: Organization, model: type[Model], objects: Iterable[Model], fields: list[str]
) -> None:
    """One UPDATE for many rows, each with its own values: the values travel as one JSON
    array that PostgreSQL unpacks into typed columns (jsonb_to_recordset). Django's
    bulk_update would build one CASE per column with a branch per row instead."""
    objects = list(objects)
    if not objects:
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    payload = [
        {"id": obj.pk, **{c.column: getattr(obj, c.attname) for c in columns}} for obj in objects
    ]
    definitions = ", ".join(f"{quote(c.column)} {c.db_type(connection)}" for c in columns)
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} t SET {assignments} "  # noqa: S608 - names come from the model
            f"FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, {definitions}) "
            "WHERE t.id = v.id AND t.organization_id = %s",
            [json.dumps(payload, default=str), organization.pk],
        )
