"""Pages of discovery results that stay fast at a million creators.

Two things a plain Paginator does that hurt at that size:
- COUNT(*) over every match: we count up to COUNT_CAP and say "1,000+" beyond;
- ORDER BY fit over every match. Instead, for the top k (prune_for_top):
  1. the fits of the best rows by base_score (an index walk) give a floor: the real k-th
     best fit can only be higher;
  2. every row has a fit *ceiling* (scoring.fit_bound_sql: base_score plus the most the
     target could add given the row's audience peaks); it is at most the mean of the
     row's stored peak keys in the target's dimensions (scoring.peak_walk) plus 10.1. So
     a row that can reach F has, in every dimension d, key_d ≥ n·(F − 10.1) − the sum of
     the other dimensions' largest keys in the organization; PostgreSQL finds those rows
     through the keys' indexes (a BitmapAnd) without reading the others;
  3. we try a few values of F above the floor, highest first, and keep the first whose
     top k really all reach F (those rows are the page). A miss that still found k rows
     raises the floor to the k-th of them. The floor itself always works.
  The result is exact: a row left out has a ceiling, hence a fit, below k rows shown.

A text search sorted by fit finds its matches through one GIN bitmap, which reads every
match before the first row comes out (~25 ms for a common word at a million creators).
Its capped count already pays that, so the count reads each counted row's fit too (a
CountedFits) and step 1 takes its floor from those rows instead of a second pass; when
they are every match, they give the page outright."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, partial

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import OperationalError, connection, transaction
from django.db.models import FloatField, Max, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import RawQuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.pagination import PageNumberPagination

from creators import scoring
from creators.filters import CreatorFilterSet

COUNT_CAP = 1_000
# Past a capped count, pages are served up to this many rows deep (400 pages of 25): a
# page reads every row above it (the fit sort keeps the top `bottom + 25`), so an
# unbounded page number would let one request read a whole million-creator roster.
PAGED_ROWS = 10_000
# The capped count walks an index instead (bitmaps off) when PostgreSQL expects at least
# this many matches: then the first COUNT_CAP + 1 come soon in any order, while a bitmap
# would read every match of each condition first (a popular niche: 150,000 rows, ~70 ms,
# against ~10 ms for the walk). The estimate can be wrong (conditions that rarely hold
# together), so the walk gets COUNT_WALK_MS at most; then the bitmap plan counts.
COUNT_WALK_ESTIMATE = 20 * COUNT_CAP
COUNT_WALK_MS = 40
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by its timeout
# The most the fit can exceed base_score by: the target-dependent components' weights,
# plus 0.05 because the fit is rounded (half up) to one decimal.
TARGET_POINTS = Decimal(scoring.WEIGHTS["audience_match"] + scoring.WEIGHTS["brand_conflicts"])
TARGET_POINTS += Decimal("0.05")
# Where to try F, as fractions of the way from the floor up to the best possible fit. Most
# targets' k-th best sits in the lower half; a miss costs one small query.
GUESSES = (0.5, 0.25)


def _raw(sql: str) -> RawSQL:
    # Only column positions and constants from creators.scoring: nothing to bind.
    return RawSQL(sql, [], output_field=FloatField())  # noqa: S611


def _cuts(target: scoring.Target, least_fit: float,
          highest: dict[str, float]) -> list[tuple[str, float | Decimal]]:  # fmt: skip
    """The index cuts a row whose fit for `target` can be ≥ least_fit passes: (column,
    lowest value) pairs, one per peak key of the walk, else one on base_score."""
    walk = scoring.peak_walk(target)
    if not walk:
        # No audience target (the ceiling is base_score plus a constant), or more keys than
        # the peak columns cover: cut on base_score, through its index.
        return [("base_score", Decimal(str(least_fit)) - TARGET_POINTS)]
    total = len(walk) * (least_fit - scoring.MOST_CONFLICT_POINTS)
    return [(c, total - sum(highest[o] for o in walk if o != c) - 0.001) for c in walk]


def reaching(queryset: QuerySet, target: scoring.Target, least_fit: float,
             highest: dict[str, float]) -> QuerySet:  # fmt: skip
    """`queryset` restricted to rows whose fit for `target` can be ≥ least_fit.
    `highest`: the largest value of each peak key column in the organization."""
    queryset = queryset.alias(fit_ceiling=_raw(scoring.fit_bound_sql(target)))
    for column, lowest in _cuts(target, least_fit, highest):
        queryset = queryset.filter(**{f"{column}__gte": lowest})
    return queryset.filter(fit_ceiling__gte=least_fit)


def band(queryset: QuerySet, target: scoring.Target, *, least_fit: float, cut_at: float,
         cut_below: float | None) -> QuerySet:  # fmt: skip
    """`queryset` restricted to rows whose fit can be ≥ least_fit and that the index cut
    for `cut_at` keeps but the one for `cut_below` (None: no upper end) leaves out. Only
    for a cut on one column (single_cut): bands of decreasing cuts never overlap."""
    ((column, lowest),) = _cuts(target, cut_at, {})
    queryset = queryset.alias(fit_ceiling=_raw(scoring.fit_bound_sql(target)))
    queryset = queryset.filter(**{f"{column}__gte": lowest})
    if cut_below is not None:
        ((_column, above),) = _cuts(target, cut_below, {})
        queryset = queryset.filter(**{f"{column}__lt": above})
    return queryset.filter(fit_ceiling__gte=least_fit)


def single_cut(target: scoring.Target) -> bool:
    """Whether `reaching` cuts one index only (one peak key, or base_score)."""
    walk = scoring.peak_walk(target)
    return not walk or len(walk) == 1


def highest_keys(queryset: QuerySet, target: scoring.Target) -> dict[str, float]:
    """The largest value of each of the target's peak key columns among the organization's
    creators (one index probe each; `queryset` only lends its model and scope)."""
    walk = scoring.peak_walk(target) or []
    if len(walk) < 2:
        return {}
    # The scope of the tenant context we are in limits this to the organization.
    found = queryset.model.objects.all().aggregate(**{c: Max(c) for c in walk})
    return {c: scoring.BEST_FIT if v is None else v for c, v in found.items()}


@contextmanager
def index_driven() -> Iterator[None]:
    """Plan the queries inside without bitmap scans, then put the setting back.

    The candidates of `reaching` are few by construction (a range of a peak key index),
    so walking that index and testing the other filters on each row is the right plan.
    PostgreSQL prices a GIN bitmap of a popular niche or word (150,000 rows, ~60 ms) at
    next to nothing and would AND it in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_bitmapscan'), "
            "set_config('enable_bitmapscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [previous])


def estimated_rows(queryset: QuerySet) -> float:
    """How many rows PostgreSQL expects `queryset` to return (its plan, not a count)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def walked_count(queryset: QuerySet) -> int | None:
    """queryset.count() planned without bitmap scans, given COUNT_WALK_MS at most; None
    when that ran out (the caller counts the usual way). The time limit is set inside a
    savepoint: a cancelled count rolls back to it, a finished one puts the limit back."""
    with index_driven():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [f"{COUNT_WALK_MS}ms"],
                )
                previous = cursor.fetchone()[0]
                count = queryset.count()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
                return count
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != QUERY_CANCELED:
                raise
            return None


@dataclass(frozen=True)
class CountedFits:
    """What the capped count of a text search read: (pk, fit, followers) of each row it
    counted, in no particular order. `complete`: those are every match (no cap hit)."""

    rows: list[tuple[int, Decimal, int]]
    complete: bool


def top_by_fit(queryset: QuerySet, k: int, *, target: scoring.Target,
               counted: CountedFits | None = None) -> list:  # fmt: skip
    """The first k rows of `queryset` (annotated with `fit`, sorted by it), reading only
    rows that can be among them. `counted`: rows the capped count read, if it read fits."""
    if counted is not None and counted.complete:
        return _fetch_in_order(queryset, _best(counted.rows, k))
    if counted is not None and len(counted.rows) >= k:
        # Any k real matches give a floor; these cost nothing more to read.
        floor = float(sorted((fit for _pk, fit, _f in counted.rows), reverse=True)[k - 1])
    else:
        sample_size = max(4 * k, 200)
        sample = list(queryset.order_by("-base_score").values_list("fit", flat=True)[:sample_size])
        if len(sample) < sample_size:
            return list(queryset[:k])  # fewer matches than the sample: sort them all
        floor = float(sorted(sample, reverse=True)[k - 1])
    with index_driven():
        if single_cut(target):
            return _top_by_bands(queryset, k, target, floor)
        highest = highest_keys(queryset, target)
        for fraction in GUESSES:
            guess = round(floor + (scoring.BEST_FIT - floor) * fraction, 1)
            rows = list(reaching(queryset, target, guess, highest)[:k])
            if len(rows) == k:
                if float(rows[-1].fit) >= guess:
                    return rows
                # k real rows reach rows[-1].fit: a better floor than the sample's.
                floor = max(floor, float(rows[-1].fit))
        return list(reaching(queryset, target, floor, highest)[:k])


def _top_by_bands(queryset: QuerySet, k: int, target: scoring.Target, floor: float) -> list:
    """top_by_fit's guesses over a single index cut, without reading a row twice: each step
    reads only the band of the index the steps before left out, with the ceiling at the
    best floor known then, and keeps the best k rows found so far. A miss that found k
    rows used to read its whole range again for the raised floor (~10 ms of ~45 for
    kol_skincare_target_us_ca_fit); now only the band below it.

    Exact: a row of the true top k has a fit, hence a ceiling, at least every floor used;
    its index value lies in one band, among whose best k it is. A guess holds when the
    best k all reach it: a row outside the bands read has a ceiling below the guess, and
    one inside that failed its band's ceiling test has a fit below that floor."""
    best: list = []
    upper: float | None = None
    for fraction in GUESSES:
        guess = round(floor + (scoring.BEST_FIT - floor) * fraction, 1)
        if upper is not None and guess >= upper:
            continue  # a raised floor put the guess inside what was read already
        found = band(queryset, target, least_fit=floor, cut_at=guess, cut_below=upper)[:k]
        best, upper = _merged(best, list(found), k), guess
        if len(best) == k:
            if float(best[-1].fit) >= guess:
                return best
            floor = max(floor, float(best[-1].fit))
    if upper is not None and floor >= upper:
        return best
    found = band(queryset, target, least_fit=floor, cut_at=floor, cut_below=upper)[:k]
    return _merged(best, list(found), k)


def _merged(best: list, found: list, k: int) -> list:
    """The first k of two lists of rows in the fit sort's order (fit DESC, followers
    DESC, id), as one SQL sort of both would give them."""
    rows = best + found
    return sorted(rows, key=lambda c: (-float(c.fit), -c.followers, c.pk))[:k]


def _best(rows: list[tuple[int, Decimal, int]], k: int) -> list[int]:
    """The pks of the first k of `rows` in the fit sort's order (fit DESC, followers DESC,
    id): the same total order as CreatorFilterSet's, on the same SQL values."""
    return [pk for pk, _fit, _followers in sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))[:k]]


def _fetch_in_order(queryset: QuerySet, pks: list[int]) -> list:
    """The rows of `queryset` with these pks, in its order. Without bitmap scans: with a
    text search in the filters PostgreSQL would AND the GIN bitmap of every match of the
    words (priced at next to nothing) to the primary key lookups."""
    if not pks:
        return []
    with index_driven():
        return list(queryset.filter(pk__in=pks))


def page_with_match_count(queryset: QuerySet, offset: int, limit: int) -> RawQuerySet:
    """`limit` rows of `queryset` from `offset` in its order, each with `match_count`, the
    number of rows in the whole queryset, counted by a window in the same statement.

    Only the sort keys of the matches (rank, fit, id) go under the window, fenced in a
    subquery (OFFSET 0); the page's rows are joined back by primary key. Inlined,
    PostgreSQL computes the rank above the window, so its store holds each match whole,
    search vector included (~150 ms more for 200,000 matches); a window ordered like the
    page sorts every match instead of keeping the top ones; and carrying the page's
    columns through the window for every match costs more than 25 lookups by primary key
    (~5 ms of ~45 for 5,000 matches)."""
    model = queryset.model
    quote = connection.ops.quote_name
    keys, inner_order, outer_order = [], [], []
    for name in queryset.query.order_by:
        key = name.lstrip("-") if isinstance(name, str) else ""
        if not key.isidentifier():
            raise ValueError(f"cannot order the fenced matches by {name!r}")
        direction = " DESC" if name.startswith("-") else ""
        keys.append(key)
        inner_order.append(f"{quote(key)}{direction}")
        outer_order.append(f"matches.{quote(key)}{direction}")
    if not keys:
        raise ValueError("a page of fenced matches needs the queryset's order")
    pk = model._meta.pk
    columns = {f.attname for f in model._meta.concrete_fields}
    extra = [f", matches.{quote(key)}" for key in keys if key not in columns]
    selected = keys if pk.attname in keys else [*keys, pk.attname]
    fenced, params = queryset.order_by().values(*selected).query.sql_with_params()
    table = quote(model._meta.db_table)
    # Only checked names are interpolated; every value travels as a parameter.
    sql = (
        f"SELECT {table}.*{''.join(extra)}, matches.match_count FROM ("  # noqa: S608
        f"SELECT m.*, count(*) OVER () AS match_count FROM ({fenced} OFFSET 0) AS m "
        f"ORDER BY {', '.join(inner_order)} LIMIT %s OFFSET %s) AS matches "
        f"JOIN {table} ON {table}.{quote(pk.column)} = matches.{quote(pk.column)} "
        f"ORDER BY {', '.join(outer_order)}"
    )
    return model.objects.raw(sql, [*params, limit, offset])


class CreatorPage(Page):
    """A page that knows whether rows follow it when the count cannot say (a capped
    count ends at COUNT_CAP, while the matches go on)."""

    def __init__(self, *args, more: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.more = more

    def has_next(self) -> bool:
        if self.number * self.paginator.per_page >= PAGED_ROWS:
            return False  # the next page would be deeper than pages are served
        return super().has_next() if self.more is None else self.more


class CreatorPaginator(Paginator):
    """`fit_target`: the target when the results are sorted by fit, else None.
    `counts_in_page`: the sort reads every match anyway (text relevance), so the page's
    own query counts them (page_with_match_count) instead of a second pass over them.
    `count_walks`: the capped count may walk an index (walked_count) where many matches
    are expected; not with a text query, whose words only a GIN bitmap can find. Without
    the walk, a fit-sorted count reads the counted rows' fits for the page (CountedFits)."""

    def __init__(self, object_list: QuerySet, per_page: int, *,
                 fit_target: scoring.Target | None, counts_in_page: bool = False,
                 count_walks: bool = False, **kwargs):  # fmt: skip
        super().__init__(object_list, per_page, **kwargs)
        self.fit_target, self.counts_in_page = fit_target, counts_in_page
        self.count_walks = count_walks
        self.counted: CountedFits | None = None

    @staticmethod
    def options_for(filterset: CreatorFilterSet) -> dict:
        """How a validated discovery search is paged: pruned and counted as its sort and
        its filters allow."""
        return {"fit_target": filterset.fit_target(),
                "counts_in_page": filterset.ranks_by_relevance(),
                "count_walks": not filterset.searches_text()}  # fmt: skip

    @classmethod
    def for_search(cls, filterset: CreatorFilterSet, per_page: int) -> CreatorPaginator:
        return cls(filterset.qs, per_page, **cls.options_for(filterset))

    @cached_property
    def count(self) -> int:
        if self.fit_target is not None and not self.count_walks:
            return self._count_reading_fits()
        matches = self.object_list.order_by().values("pk")
        capped = None
        if self.count_walks and estimated_rows(matches) >= COUNT_WALK_ESTIMATE:
            capped = walked_count(matches[: COUNT_CAP + 1])
        if capped is None:
            capped = matches[: COUNT_CAP + 1].count()
        self.capped = capped > COUNT_CAP
        return min(capped, COUNT_CAP)

    def _count_reading_fits(self) -> int:
        """The capped count, as the fits of the rows it counts (one statement, the same
        bitmap plan as a COUNT over them): top_by_fit starts from them."""
        matches = self.object_list.order_by().values_list("pk", "fit", "followers")
        # The rows as the driver gives them (fit a Decimal): a thousand rows through the
        # ORM's per-row converters cost 1–4 ms more, for three numbers each.
        sql, params = matches[: COUNT_CAP + 1].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        self.capped = len(rows) > COUNT_CAP
        self.counted = CountedFits(rows=rows, complete=not self.capped)
        return min(len(rows), COUNT_CAP)

    def validate_number(self, number) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            # A capped count is a lower bound: pages past it are pages of the matches
            # beyond it (page() reads them, and says whether more follow).
            number = int(number)
            if number >= 1 and getattr(self, "capped", False):
                if (number - 1) * self.per_page >= PAGED_ROWS:
                    raise EmptyPage(f"Results are paged to the first {PAGED_ROWS:,} matches: "
                                    "narrow the search to see others.") from None  # fmt: skip
                return number
            raise

    def _get_page(self, *args, **kwargs) -> CreatorPage:
        return CreatorPage(*args, **kwargs)

    def page(self, number) -> Page:
        if self.counts_in_page and "count" not in self.__dict__:
            return self._page_counting(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        # Past the capped count only the rows themselves tell whether more follow: read
        # one beyond the page (the pages before it have the count's word for it).
        beyond = self.capped and top >= self.count
        end = top + 1 if beyond else top
        if self.fit_target is None:
            rows = list(self.object_list[bottom:end])
        else:
            rows = top_by_fit(self.object_list, end, target=self.fit_target,
                              counted=self.counted)[bottom:end]  # fmt: skip
        more = len(rows) > self.per_page if beyond else None
        return self._get_page(rows[: self.per_page], number, self, more=more)

    def _page_counting(self, number) -> Page:
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1  # validate_number below reports it as the plain paginator would
        bottom = (wanted - 1) * self.per_page
        if bottom >= PAGED_ROWS:
            self.validate_number(number)  # past the count, or past PAGED_ROWS: it raises
            raise EmptyPage("That page contains no results")
        rows = list(page_with_match_count(self.object_list, bottom, self.per_page))
        more = None
        if rows:
            total = rows[0].match_count
            self.capped = total > COUNT_CAP
            self.__dict__["count"] = min(total, COUNT_CAP)
            more = bottom + len(rows) < total  # the window counted every match
        number = self.validate_number(number)  # an empty page falls back to a count query
        return self._get_page(rows, number, self, more=more)


class CreatorApiPagination(PageNumberPagination):
    """The API's pages, with the same capped count and fit pruning as the page.
    `count_capped` says when `count` stopped at COUNT_CAP (there are more matches), so a
    lower bound is never passed off as the exact number."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        capped = bool(getattr(self.page.paginator, "capped", False))
        response.data = {"count": response.data["count"], "count_capped": capped,
                         **{k: v for k, v in response.data.items() if k != "count"}}  # fmt: skip
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when count stopped at {COUNT_CAP:,}: there are more matches",
        }
        return schema

    def paginate_queryset(self, queryset, request, view=None):
        # The filterset the filter backend built and validated (400 otherwise).
        filterset = view.search_filterset
        self.django_paginator_class = partial(
            CreatorPaginator, **CreatorPaginator.options_for(filterset)
        )
        return super().paginate_queryset(queryset, request, view)


class CreatorFilterBackend(DjangoFilterBackend):
    """django-filter's backend, keeping its filterset on the view, so the paginator reads
    the sort and target from it instead of building (and validating) a second one."""

    def get_filterset_kwargs(self, request, queryset, view):
        # The organization's currency is the budget's (max_rate) by default.
        return {**super().get_filterset_kwargs(request, queryset, view),
                "organization": view.organization}  # fmt: skip

    def get_filterset(self, request, queryset, view):
        view.search_filterset = super().get_filterset(request, queryset, view)
        return view.search_filterset
