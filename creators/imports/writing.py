"""Writing one batch of validated rows: a handful of statements for thousands of rows.

Runs inside the caller's tenant transaction. The rules:

- an account is (organization, platform, handle). A row whose account exists is a
  duplicate: with "update" it updates that account and its creator, with "skip" it
  touches nothing;
- a row whose account is new belongs to the creator with the same name and email (both
  compared case-insensitively; a row without an email always starts a new creator): one
  that was in the roster when the run started, or one an earlier row of this file
  created; failing both, to a new creator. With "skip", an existing creator's own fields
  and rates are left alone; the new account is still added to it;
- when several rows change the same creator, each non-empty cell overwrites, in file
  order (so the last row's value wins); empty cells were dropped by the validator and
  never erase a stored value;
- each figure written is stamped in the account's provenance with source "import" and
  the time, the structure creators.services.account_upsert writes.

New creators and accounts go in with one INSERT per table from a JSON recordset that
carries each row's own columns only, the rest taking the fields' defaults (creator ids
are drawn from the sequence first, so accounts can point at their new creators); existing
rows are read once, changed in Python (the creator with creators.services' own field
rules) and written back with one UPDATE per table, also from a JSON recordset; rates are
one INSERT … ON CONFLICT. Then creators.derived.refresh_derived runs once for the batch.
Django's bulk_create would do the same job, but compiling a 70,000-parameter INSERT costs
more than validating the rows (measured with bench/creator_import.py), and COPY, faster
still, is refused by PostgreSQL on a table with row-level security."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection
from django.db.models import Field, JSONField, Model
from django.db.models.functions import Lower
from psycopg.types.json import Jsonb

from creators.derived import refresh_derived
from creators.imports.fields import CREATOR_KEYS
from creators.imports.rows import RowResult
from creators.models import Creator, CreatorImport, SocialAccount, Source
from creators.services import apply_creator_fields
from kolhub.models import Organization

ACCOUNT_COLUMNS = ["url", "followers", "avg_views", "engagement_rate", "credibility",
                   "sponsored_ratio", "brands_mentioned", "audience_countries", "audience_ages",
                   "audience_gender", "audience_interests"]  # fmt: skip
NOT_FIGURES = {"platform", "handle", "url"}
STAMPED = ("created_at", "updated_at")

EXISTING_ACCOUNTS_SQL = """
SELECT a.platform, a.handle, a.id, a.creator_id
  FROM creators_socialaccount a
  JOIN unnest(%s::text[], %s::text[]) AS k(platform, handle)
    ON a.platform = k.platform AND a.handle = k.handle
 WHERE a.organization_id = %s
"""
RATES_SQL = """
INSERT INTO creators_ratecarditem
       (organization_id, creator_id, deliverable, amount, created_at, updated_at)
SELECT %(organization)s, v.creator_id, v.deliverable, v.amount, %(now)s, %(now)s
  FROM jsonb_to_recordset(%(rates)s::jsonb)
       AS v(creator_id bigint, deliverable varchar(10), amount numeric(12, 2))
    ON CONFLICT (organization_id, creator_id, deliverable)
    DO UPDATE SET amount = EXCLUDED.amount, updated_at = EXCLUDED.updated_at
"""

Identity = tuple[str, str]


@dataclass
class CreatorIdentities:
    """Which creator a (name, email) is, across the batches of one run.

    Creators in the roster before the run are looked up per batch, only among ids up to
    `preexisting_max_id` (None: there were none with an email); creators the run creates
    are remembered here, so no batch has to search the rows earlier batches inserted."""

    preexisting_max_id: int | None
    known: dict[Identity, int] = field(default_factory=dict)
    # Creators this run created: later rows about them fill them in, whatever the
    # on-duplicate choice (that choice is about what was in the roster before).
    created: set[int] = field(default_factory=set)

    @classmethod
    def at_start(cls, organization: Organization) -> CreatorIdentities:
        last = (
            Creator.objects.for_org(organization)
            .exclude(email="")
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        return cls(preexisting_max_id=last)


@dataclass
class Prepared:
    """What a row would write if its account and creator are both new: built before the
    batch reaches the writer, since it needs no database."""

    creator: Creator  # the row's creator fields applied, by creators.services' rules
    account: dict[str, Any]  # the row's figures and their provenance; the writer adds creator_id


def prepare_rows(rows: Iterable[RowResult], *, organization_id: int, now: dt.datetime) -> None:
    """Set `row.prepared` on each valid row; the importer runs this in its reading thread."""
    stamp = {"source": Source.IMPORT, "at": now.isoformat()}
    for row in rows:
        if not row.ok:
            continue
        creator = Creator(organization_id=organization_id)
        apply_creator_fields(creator, row.creator_data)
        figures = row.account_data
        provenance = {name: stamp for name in figures if name not in NOT_FIGURES}
        # Only the row's own columns; the others take their defaults in the INSERT.
        row.prepared = Prepared(creator, {**figures, "provenance": provenance})


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    creator_ids: set[int] = field(default_factory=set)


def write_batch(
    *, organization: Organization, rows: Sequence[RowResult], on_duplicate: str,
    now: dt.datetime, identities: CreatorIdentities,
    before_writes: Callable[[], None] = lambda: None,
) -> BatchOutcome:  # fmt: skip
    """Write the batch's valid rows. `before_writes` is called when the Python work is
    done and the INSERTs, UPDATEs and refresh_derived begin (the importer reads the next
    batch meanwhile)."""
    outcome = BatchOutcome()
    if not rows:
        return outcome
    update = on_duplicate == CreatorImport.OnDuplicate.UPDATE
    unprepared = [r for r in rows if r.prepared is None]
    if unprepared:
        prepare_rows(unprepared, organization_id=organization.pk, now=now)

    existing = _existing_accounts(organization, rows)
    if not update:
        outcome.skipped = sum(1 for r in rows if r.key in existing)
        rows = [r for r in rows if r.key not in existing]
    fresh_identities = {r.identity for r in rows if r.key not in existing and r.identity}
    _match_preexisting(organization, identities, fresh_identities)

    # Existing creators this batch changes, each loaded once, so that two rows about the
    # same creator change one object.
    wanted = {existing[r.key][1] for r in rows if r.key in existing}
    for identity in fresh_identities:
        creator_id = identities.known.get(identity)
        if creator_id is not None and (update or creator_id in identities.created):
            wanted.add(creator_id)
    creators: dict[int, Creator] = {}
    if wanted:
        query = Creator.objects.for_org(organization).defer("search_vector")
        creators = {c.pk: c for c in query.filter(id__in=wanted)}

    changed: dict[int, Creator] = {}
    started: dict[Identity, Creator] = {}
    new_creators: list[Creator] = []
    placed: list[tuple[RowResult, Creator | int, bool]] = []  # row, creator, may change it
    for row in rows:
        key, identity = row.key, row.identity
        creator: Creator | int | None
        if key in existing:
            creator = creators[existing[key][1]]
        elif identity in started:
            creator = started[identity]
        elif identity in identities.known:
            creator = identities.known[identity]
            creator = creators.get(creator, creator)  # the object when it may change
        else:
            # A new creator: the prepared one, with this row's fields already applied.
            creator = row.prepared.creator
            new_creators.append(creator)
            if identity:
                started[identity] = creator
            placed.append((row, creator, True))
            continue
        writable = isinstance(creator, Creator)
        if writable:
            apply_creator_fields(creator, row.creator_data)
            if creator.pk is not None:
                changed[creator.pk] = creator
        placed.append((row, creator, writable))

    before_writes()
    written = {"credential_status", *(k for r in rows if r.key not in existing
                                      for k in r.creator_data)}  # fmt: skip
    _insert_objects(organization, Creator, new_creators, now=now, fields=written)
    identities.known.update((i, c.pk) for i, c in started.items())
    identities.created.update(c.pk for c in new_creators)
    columns = [k for k in CREATOR_KEYS if any(k in r.values for r, _, w in placed if w)]
    for creator in changed.values():
        creator.updated_at = now
    _update_rows(organization, Creator, changed.values(),
                 [*columns, "credential_status", "updated_at"])  # fmt: skip

    accounts_by_id = {}
    updating = [existing[r.key][0] for r, _, _ in placed if r.key in existing]
    if updating:
        query = SocialAccount.objects.for_org(organization)
        accounts_by_id = {a.pk: a for a in query.filter(id__in=updating)}
    new_accounts: list[dict[str, Any]] = []
    updated_accounts: list[SocialAccount] = []
    rates: dict[tuple[int, str], dict[str, Any]] = {}
    for row, creator, writable in placed:
        creator_id = creator.pk if isinstance(creator, Creator) else creator
        key = row.key
        if key in existing:
            account = accounts_by_id[existing[key][0]]
            for name, value in row.account_data.items():
                setattr(account, name, value)
            # The stamps of the prepared row: the figures this row writes.
            account.provenance = {**(account.provenance or {}),
                                  **row.prepared.account["provenance"]}  # fmt: skip
            account.updated_at = now
            updated_accounts.append(account)
            outcome.updated += 1
        else:
            new_account = row.prepared.account
            new_account["creator_id"] = creator_id
            new_accounts.append(new_account)
            outcome.created += 1
        outcome.creator_ids.add(creator_id)
        if writable:
            for deliverable, amount in row.rates.items():
                rates[(creator_id, deliverable)] = {
                    "creator_id": creator_id, "deliverable": deliverable, "amount": amount
                }  # fmt: skip

    _insert_dicts(organization, SocialAccount, new_accounts, now=now)
    account_columns = [
        c for c in ACCOUNT_COLUMNS if any(c in r.values for r, _, _ in placed)
    ]  # fmt: skip
    _update_rows(organization, SocialAccount, updated_accounts,
                 [*account_columns, "provenance", "updated_at"])  # fmt: skip
    if rates:
        _execute(RATES_SQL, {"organization": organization.pk, "now": now,
                             "rates": json.dumps(list(rates.values()), default=str)})  # fmt: skip
    refresh_derived(organization=organization, creator_ids=outcome.creator_ids)
    return outcome


def _existing_accounts(
    organization: Organization, rows: Sequence[RowResult]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(platform, handle) -> (account id, creator id) for the batch's accounts that exist."""
    keys = [r.key for r in rows]
    found = _execute(
        EXISTING_ACCOUNTS_SQL, [[p for p, _ in keys], [h for _, h in keys], organization.pk]
    )
    return {(p, h): (account_id, creator_id) for p, h, account_id, creator_id in found}


def _match_preexisting(
    organization: Organization, identities: CreatorIdentities, wanted: Iterable[Identity]
) -> None:
    """Add to `identities.known` the creators that were in the roster before the run and
    have one of the wanted identities; the lowest id wins when several do."""
    if identities.preexisting_max_id is None:
        return
    missing = {i for i in wanted if i not in identities.known}
    if not missing:
        return
    matches = (
        Creator.objects.for_org(organization)
        .filter(id__lte=identities.preexisting_max_id)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in={email for _, email in missing})
        .order_by("id")
        .values_list("id", "name", "email")
    )
    for creator_id, name, email in matches:
        identity = (" ".join(name.split()).lower(), email.lower())
        if identity in missing:
            identities.known.setdefault(identity, creator_id)


def _insert_objects(
    organization: Organization, model: type[Model], objects: list[Model], *,
    now: dt.datetime, fields: Iterable[str],
) -> None:  # fmt: skip
    """INSERT new model objects, ids drawn from the table's sequence first and set on the
    objects (so rows of other tables can point at them in the same batch). Only `fields`
    travel per object: the importer leaves every other field at its default."""
    if not objects:
        return
    meta = model._meta
    ids = _execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objects)],
    )
    for obj, (pk,) in zip(objects, ids, strict=True):
        obj.pk = pk
        obj.created_at = obj.updated_at = now
    sent = [meta.pk, *(meta.get_field(name) for name in fields)]
    _insert_dicts(
        organization, model,
        [{f.column: getattr(o, f.attname) for f in sent} for o in objects], now=now,
    )  # fmt: skip


def _insert_dicts(
    organization: Organization, model: type[Model], rows: list[dict[str, Any]], *,
    now: dt.datetime,
) -> None:  # fmt: skip
    """One INSERT for many rows given as {column: value}. A column a row leaves out takes
    the field's default (organization: this one; created/updated: `now`), so each row's
    JSON carries only what is its own."""
    if not rows:
        return
    quote = connection.ops.quote_name
    present = set().union(*rows)
    columns, expressions, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in present:
            continue  # the sequence fills it
        if f.generated:
            continue  # PostgreSQL computes it
        if f.column in STAMPED:
            default: Any = now
        elif f.column == "organization_id":
            default = organization.pk
        else:
            default = f.get_default()
            if isinstance(f, JSONField) and default is not None:
                default = Jsonb(default)
        cast = f"%s::{f.db_type(connection)}"
        columns.append(f)
        if f.column in present:
            expressions.append(f"coalesce(v.{quote(f.column)}, {cast})")
        else:
            expressions.append(cast)
        params.append(default)
    sent = [f for f in columns if f.column in present]
    _execute(
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(f.column) for f in columns)}) "
        f"SELECT {', '.join(expressions)} FROM jsonb_to_recordset(%s::jsonb) "
        f"AS v({_definitions(sent)})",
        [*params, json.dumps(rows, default=str)],
    )


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
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    _execute(
        f"UPDATE {quote(model._meta.db_table)} t SET {assignments} "  # noqa: S608
        f"FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, {_definitions(columns)}) "
        "WHERE t.id = v.id AND t.organization_id = %s",
        [json.dumps(payload, default=str), organization.pk],
    )


def _execute(sql: str, params: Sequence | dict) -> list[tuple]:
    """Run one bulk statement on the current connection and transaction (so inside the
    tenant context: its role and app.current_org), with the parameters sent apart from
    the SQL. Django's cursor binds on the client: it would escape each batch's megabytes
    of JSON into the SQL text, and psycopg would then hash that text for its
    prepared-statement cache, on every statement. Returns the rows, if any."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=False)
        return cursor.fetchall() if cursor.description else []


def _definitions(columns: Sequence[Field]) -> str:
    # Column names and types come from the models, never from the file.
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)
