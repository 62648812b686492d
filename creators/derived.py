"""Keeps each creator's derived search fields in step with its accounts and rates.

Called by every service that writes creators, accounts or rates, and by the importer for
whole batches: one SQL statement for the aggregates and the search vector, then the
target-independent score and the audience peaks from creators.scoring (their only
implementation)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from creators import scoring
from creators.models import Creator
from kolhub.models import Organization

# creator_search_facets' parameters (migration 0005 defines it), in order, with their types.
FACET_PARAMETERS = (
    ("country", "text"), ("credential_status", "text"), ("role", "text"),
    ("platforms", "text[]"), ("niches", "text[]"), ("languages", "text[]"),
    ("followers", "bigint"), ("engagement_rate", "numeric"), ("audience_countries", "jsonb"),
    ("audience_ages", "jsonb"), ("audience_gender", "jsonb"), ("audience_interests", "jsonb"),
)  # fmt: skip


def facets_sql(new: dict[str, str]) -> str:
    """The facet lexemes of a creator row `c` (creators/facets.py). `new` is the SQL for the
    columns the same statement sets: in an UPDATE, `c.<column>` is the old value."""
    args = ", ".join(f"({new.get(name, f'c.{name}')})::{kind}" for name, kind in FACET_PARAMETERS)
    return f"creator_search_facets({args})"


def search_vector_sql(handles: str, new: dict[str, str] | None = None) -> str:
    """The search vector of a creator row `c`: name and handles weigh most, then
    credentials, profession and niches, then the bio; then the facet lexemes. `handles` is
    the SQL for the handle array (the bulk loader passes the row's own column), `new` as
    for facets_sql."""
    return (
        f"setweight(to_tsvector('english', c.name || ' ' || array_to_string({handles}, ' ')), 'A')"
        " || setweight(to_tsvector('english', c.credentials || ' ' || c.profession || ' '"
        " || array_to_string(c.niches, ' ')), 'B')"
        " || setweight(to_tsvector('english', c.bio), 'C')"
        f" || {facets_sql(new or {})}"
    )


# What AGGREGATE_SQL sets, from its CTEs below.
NEW_VALUES = {
    "followers": "coalesce(acc.followers, 0)",
    "engagement_rate": "round(acc.er, 2)",
    "credibility": "round(acc.cred, 2)",
    "sponsored_ratio": "round(acc.spons, 2)",
    "platforms": "coalesce(acc.platforms, '{}')",
    "handles": "coalesce(acc.handles, '{}')",
    "audience_countries": "coalesce(prim.audience_countries, '{}')",
    "audience_ages": "coalesce(prim.audience_ages, '{}')",
    "audience_gender": "coalesce(prim.audience_gender, '{}')",
    "audience_interests": "coalesce(prim.audience_interests, '{}')",
    "brands_mentioned": "coalesce(brands.brands, '{}')",
    "min_rate": "rates.min_rate",
}
# Followers-weighted averages; platforms and handles ordered largest account first, so
# platforms[1] is the primary platform; the audience is the primary account's.
AGGREGATE_SQL = """
WITH ids AS (SELECT unnest(%(ids)s::bigint[]) AS id),
acc AS (
  SELECT a.creator_id,
         sum(coalesce(a.followers, 0)) AS followers,
         sum(a.engagement_rate * a.followers) FILTER (WHERE a.engagement_rate IS NOT NULL)
           / nullif(sum(a.followers) FILTER (WHERE a.engagement_rate IS NOT NULL), 0) AS er,
         sum(a.credibility * a.followers) FILTER (WHERE a.credibility IS NOT NULL)
           / nullif(sum(a.followers) FILTER (WHERE a.credibility IS NOT NULL), 0) AS cred,
         sum(a.sponsored_ratio * a.followers) FILTER (WHERE a.sponsored_ratio IS NOT NULL)
           / nullif(sum(a.followers) FILTER (WHERE a.sponsored_ratio IS NOT NULL), 0) AS spons,
         array_agg(a.platform ORDER BY a.followers DESC NULLS LAST, a.id) AS platforms,
         array_agg(a.handle ORDER BY a.followers DESC NULLS LAST, a.id) AS handles
    FROM creators_socialaccount a JOIN ids ON ids.id = a.creator_id
   GROUP BY a.creator_id
),
prim AS (
  SELECT DISTINCT ON (a.creator_id) a.creator_id, a.audience_countries, a.audience_ages,
         a.audience_gender, a.audience_interests
    FROM creators_socialaccount a JOIN ids ON ids.id = a.creator_id
   ORDER BY a.creator_id, a.followers DESC NULLS LAST, a.id
),
brands AS (
  SELECT a.creator_id, array_agg(DISTINCT b ORDER BY b) AS brands
    FROM creators_socialaccount a JOIN ids ON ids.id = a.creator_id,
         unnest(a.brands_mentioned) AS b
   GROUP BY a.creator_id
),
rates AS (
  SELECT r.creator_id, min(r.amount) AS min_rate
    FROM creators_ratecarditem r JOIN ids ON ids.id = r.creator_id
   GROUP BY r.creator_id
)
UPDATE creators_creator c SET {assignments}
FROM ids
LEFT JOIN acc ON acc.creator_id = ids.id
LEFT JOIN prim ON prim.creator_id = ids.id
LEFT JOIN brands ON brands.creator_id = ids.id
LEFT JOIN rates ON rates.creator_id = ids.id
WHERE c.id = ids.id
""".replace(
    "{assignments}",
    ",\n  ".join(
        [
            *(f"{column} = {value}" for column, value in NEW_VALUES.items()),
            # From the values this UPDATE writes, not the row's old ones.
            "search_vector = " + search_vector_sql(NEW_VALUES["handles"], NEW_VALUES),
        ]
    ),
)

SCORE_SQL = """
UPDATE creators_creator c SET base_score = v.score, audience_peaks = v.peaks::float8[]
  FROM unnest(%s::bigint[], %s::numeric[], %s::text[]) AS v(id, score, peaks)
 WHERE c.id = v.id
"""
BATCH = 5000
SCORE_FIELDS = [
    "id", "followers", "platforms", "engagement_rate", "credibility", "sponsored_ratio",
    "credentials", "credential_status", "profession", "years_experience",
    "audience_countries", "audience_ages", "audience_gender", "audience_interests",
]  # fmt: skip


def float_array_literal(values: list[float]) -> str:
    """A float8[] literal (repr round-trips a float exactly)."""
    return "{" + ",".join(repr(float(v)) for v in values) + "}"


def peaks_literal(creator) -> str:
    return float_array_literal(scoring.audience_peaks(
        creator.audience_countries, creator.audience_ages, creator.audience_gender,
        creator.audience_interests))  # fmt: skip


def refresh_derived(*, organization: Organization, creator_ids: Iterable[int]) -> None:
    ids = sorted(set(creator_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with connection.cursor() as cursor:
            cursor.execute(AGGREGATE_SQL, {"ids": batch})
            rows = Creator.objects.for_org(organization).filter(id__in=batch).only(*SCORE_FIELDS)
            scores = [(c.id, scoring.base_score(c), peaks_literal(c)) for c in rows]
            cursor.execute(SCORE_SQL, [list(column) for column in zip(*scores, strict=True)]
                           or [[], [], []])  # fmt: skip
