"""Pages of discovery results that stay fast at a million creators.

Two things a plain Paginator does that hurt at that size:
- COUNT(*) over every match: we count up to COUNT_CAP and say "1,000+" beyond;
- ORDER BY fit over every match: fit = base_score + (target terms ≤ TARGET_POINTS), so a
  row can only reach the top k if base_score ≥ (k-th best fit so far) − TARGET_POINTS.
  We find a k-th best among the best rows by base_score (an index walk), then let
  PostgreSQL sort only the rows that can still make it. The result is exact."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property, partial

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination

from creators.filters import sort_of
from creators.scoring import WEIGHTS

COUNT_CAP = 1_000
# The most the fit can exceed base_score by: the target-dependent components' weights,
# plus 0.05 because the fit is rounded (half up) to one decimal.
TARGET_POINTS = Decimal(WEIGHTS["audience_match"] + WEIGHTS["brand_conflicts"]) + Decimal("0.05")


def prune_for_top(queryset: QuerySet, k: int) -> QuerySet:
    """`queryset` (annotated with `fit`) restricted to rows that can be among its top k."""
    sample_size = max(4 * k, 400)
    sample = list(queryset.order_by("-base_score").values_list("fit", flat=True)[:sample_size])
    if len(sample) < sample_size:
        return queryset  # fewer matches than the sample: nothing worth pruning
    kth_best = sorted(sample, reverse=True)[k - 1]
    return queryset.filter(base_score__gte=Decimal(str(kth_best)) - TARGET_POINTS)


class CreatorPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, *, fit_sorted: bool, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.fit_sorted = fit_sorted

    @cached_property
    def count(self) -> int:
        capped = self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.capped = capped > COUNT_CAP
        return min(capped, COUNT_CAP)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        queryset = self.object_list
        if self.fit_sorted:
            queryset = prune_for_top(queryset, top)
        return self._get_page(queryset[bottom:top], number, self)


class CreatorApiPagination(PageNumberPagination):
    """The API's pages, with the same capped count and fit pruning as the page."""

    def paginate_queryset(self, queryset, request, view=None):
        fit_sorted = sort_of(request.query_params) == "fit"
        self.django_paginator_class = partial(CreatorPaginator, fit_sorted=fit_sorted)
        return super().paginate_queryset(queryset, request, view)
