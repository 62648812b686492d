"""Discovery filters: one FilterSet for the search page, the CSV export and the API, so
the three always agree. Invalid parameters come back as form errors (the page marks the
filter; the API answers 400 naming the field)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from creators import facets, scoring
from creators.models import (
    AGE_BUCKETS,
    GENDERS,
    TIERS,
    CreatorRole,
    CreatorStatus,
    CredentialStatus,
    Platform,
)
from kolhub.models import CURRENCIES, Organization

SORTS = [
    ("relevance", "Relevance"),
    ("fit", "Fit score"),
    ("followers", "Followers"),
    ("engagement", "Engagement rate"),
]
TIER_CHOICES = [(key, label) for key, label, _low, _high in TIERS]


class CodeListField(forms.CharField):
    """A comma-separated list of short codes (countries, languages): 'US, ca' -> ['US', 'CA']."""

    def __init__(self, *args, upper: bool = True, max_len: int = 8, **kwargs):
        self.upper, self.max_len = upper, max_len
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        items = [v.strip() for v in (value or "").replace(";", ",").split(",") if v.strip()]
        items = [v.upper() if self.upper else v.lower() for v in items]
        bad = [v for v in items if len(v) > self.max_len or not v.replace("-", "").isalnum()]
        if bad:
            raise ValidationError(f"Not a valid code: {', '.join(bad)}.")
        return items


class TagListField(forms.CharField):
    """Comma-separated free tags (niches, interests, competitors), normalized lower-case."""

    def clean(self, value):
        value = super().clean(value)
        items = [" ".join(v.split()) for v in (value or "").split(",")]
        return [v.lower() for v in items if v]


@extend_schema_field(OpenApiTypes.STR)
class CodeListFilter(django_filters.Filter):
    field_class = CodeListField


@extend_schema_field(OpenApiTypes.STR)
class TagListFilter(django_filters.Filter):
    field_class = TagListField


class PercentFilter(django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        super().__init__(*args, **kwargs)


class FacetQuery(SearchQuery):
    """tsquery text used as it is (creators.facets builds it): facet lexemes like 'f:c:US'
    must not go through a parser, which would split them at ':'."""

    template = "%(expressions)s::tsquery"


def with_facet(queryset: QuerySet, exact: Q, tsquery: str | None, *,
               same: bool = False) -> QuerySet:  # fmt: skip
    """`queryset` filtered by `exact` and by the facet lexemes `tsquery` (creators.facets),
    which the GIN index intersects with the text search. A facet that holds the value
    itself (`same`: a country, a role, a platform …) matches exactly the rows `exact` does
    and replaces it: PostgreSQL would count the two as independent conditions, expect far
    too few rows and choose a plan for a few (a bitmap and a sort of 30,000 rows instead of
    walking the base_score index). A threshold's bucket (`same` false) only narrows, and
    the exact condition stays."""
    if not tsquery:
        return queryset.filter(exact)
    queryset = queryset.filter(search_vector=FacetQuery(tsquery))
    return queryset if same else queryset.filter(exact)


def _share_sql(column: str, keys: list[str]) -> tuple[str, list[str]]:
    terms = " + ".join(f"coalesce(({column} ->> %s)::numeric, 0)" for _ in keys)
    return f"({terms})", list(keys)


class CreatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    # distinct=False: a filter on the creator's own column cannot duplicate rows, and a
    # DISTINCT over a million-row match costs a sort.
    role = django_filters.MultipleChoiceFilter(
        choices=CreatorRole.choices, distinct=False, method="filter_roles"
    )
    niche = TagListFilter(method="filter_niches", label="Niches")
    platform = django_filters.MultipleChoiceFilter(
        choices=Platform.choices, method="filter_platforms"
    )
    followers_min = django_filters.NumberFilter(
        field_name="followers", lookup_expr="gte", min_value=0
    )
    followers_max = django_filters.NumberFilter(
        field_name="followers", lookup_expr="lte", min_value=0
    )
    tier = django_filters.MultipleChoiceFilter(choices=TIER_CHOICES, method="filter_tiers")
    er_min = PercentFilter(method="filter_er_min", label="Engagement ≥ %")
    audience_country = CodeListFilter(method="filter_noop", label="Audience countries")
    audience_country_min = PercentFilter(method="filter_noop", label="… share ≥ %")
    audience_age = django_filters.MultipleChoiceFilter(
        choices=[(a, a) for a in AGE_BUCKETS], method="filter_noop", label="Audience ages"
    )
    audience_age_min = PercentFilter(method="filter_noop", label="… share ≥ %")
    audience_gender = django_filters.ChoiceFilter(
        choices=[(g, g.title()) for g in GENDERS], method="filter_noop", label="Audience gender"
    )
    audience_gender_min = PercentFilter(method="filter_noop", label="… share ≥ %")
    interest = TagListFilter(method="filter_noop", label="Audience interests")
    competitor = TagListFilter(method="filter_noop", label="Competitor brands")
    verified = django_filters.BooleanFilter(method="filter_verified", label="Credentials verified")
    language = CodeListFilter(method="filter_languages", label="Languages", upper=False)
    country = CodeListFilter(method="filter_country", label="Based in (countries)")
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", max_length=120)
    max_rate = django_filters.NumberFilter(method="filter_max_rate", min_value=0, label="Rate ≤")
    rate_currency = django_filters.ChoiceFilter(
        choices=CURRENCIES, method="filter_noop", label="Rate currency",
        help_text="The currency of `max_rate` (default: the organization's currency); only "
        "creators whose rate card is in it match a budget.",
    )  # fmt: skip
    status = django_filters.MultipleChoiceFilter(choices=CreatorStatus.choices, distinct=False)
    include_dnc = django_filters.BooleanFilter(method="filter_noop", label="Include do-not-contact")
    in_list = django_filters.NumberFilter(method="filter_in_list", label="In list")
    exclude_list = django_filters.NumberFilter(method="filter_exclude_list", label="Not in list")
    sort = django_filters.ChoiceFilter(choices=SORTS, method="filter_noop", empty_label=None)

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def get_form_class(self):
        # django-filter builds a new form class (a field per filter, through the form
        # metaclass) for every search; the fields depend only on the declared filters, so
        # one class serves them all (each form still deep-copies its fields).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    # Filters whose work happens in filter_queryset (they combine several parameters).
    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        query = SearchQuery(value, search_type="websearch", config="english")
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )

    def facet(self, tsquery: str | None) -> str | None:
        """Facets ride along a text search only: its GIN scan intersects them for nearly
        nothing. Alone, a facet is a GIN scan of a lexeme a third of the creators have,
        slower than the B-tree and array indexes the exact conditions use (measured in
        bench/creator_search.py: 26 ms → 400 ms for tiktok_micro_er5_by_engagement)."""
        return tsquery if self.form.cleaned_data.get("q") else None

    def filter_roles(self, queryset, name, value):
        if not value:
            return queryset
        return with_facet(queryset, Q(role__in=value), self.facet(facets.values("r", value)),
                          same=True)  # fmt: skip

    def filter_niches(self, queryset, name, value):
        if not value:
            return queryset
        return with_facet(queryset, Q(niches__overlap=value),
                          self.facet(facets.values("n", value)), same=True)  # fmt: skip

    def filter_platforms(self, queryset, name, value):
        if not value:
            return queryset
        return with_facet(queryset, Q(platforms__overlap=value),
                          self.facet(facets.values("p", value)), same=True)  # fmt: skip

    def filter_languages(self, queryset, name, value):
        if not value:
            return queryset
        return with_facet(queryset, Q(languages__overlap=value),
                          self.facet(facets.values("l", value)), same=True)  # fmt: skip

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return with_facet(queryset, Q(country__in=value), self.facet(facets.values("c", value)),
                          same=True)  # fmt: skip

    def filter_er_min(self, queryset, name, value):
        if value is None:
            return queryset
        return with_facet(queryset, Q(engagement_rate__gte=value),
                          self.facet(facets.engagement_at_least(value)))  # fmt: skip

    def filter_tiers(self, queryset, name, value):
        condition = Q()
        for key, _label, low, high in TIERS:
            if key in value:
                part = Q(followers__gte=low)
                if high is not None:
                    part &= Q(followers__lt=high)
                condition |= part
        return with_facet(queryset, condition, self.facet(facets.tiers(value)), same=True)

    def filter_verified(self, queryset, name, value):
        if value is None:
            return queryset
        verified = Q(credential_status=CredentialStatus.VERIFIED)
        if not value:
            return queryset.filter(~verified)
        return with_facet(queryset, verified, self.facet(facets.values("cred", ["verified"])),
                          same=True)  # fmt: skip

    def filter_max_rate(self, queryset, name, value):
        if value is None:
            return queryset
        # Rates in different currencies do not compare: a budget holds in one currency.
        currency = self.budget_currency()
        condition = Q(min_rate__lte=value)
        if currency:
            condition &= Q(rate_currency=currency)
        return queryset.filter(condition)

    def budget_currency(self) -> str:
        """The currency of a budget (max_rate): as asked, else the organization's."""
        asked = getattr(self.form, "cleaned_data", {}).get("rate_currency")
        return asked or getattr(self.organization, "default_currency", "")

    def filter_in_list(self, queryset, name, value):
        return queryset.filter(list_entries__creator_list_id=value)

    def filter_exclude_list(self, queryset, name, value):
        return queryset.exclude(list_entries__creator_list_id=value)

    @property
    def target(self) -> scoring.Target:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return target_from(data)

    def searches_text(self) -> bool:
        """Whether the search has words to find (only the GIN index finds them fast)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return bool(data.get("q"))

    def ranks_by_relevance(self) -> bool:
        """Whether the results are sorted by text relevance (which reads every match)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return bool(data.get("q")) and sort_of(data) == "relevance"

    def fit_target(self) -> scoring.Target | None:
        """The target when the results are sorted by fit (the paginator prunes by it)."""
        if not self.form.is_valid() or sort_of(self.form.cleaned_data) != "fit":
            return None
        return target_from(self.form.cleaned_data)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("include_dnc"):
            queryset = queryset.exclude(status=CreatorStatus.DO_NOT_CONTACT)
        for column, keys, minimum in (
            ("audience_countries", data.get("audience_country"), data.get("audience_country_min")),
            ("audience_ages", data.get("audience_age"), data.get("audience_age_min")),
            ("audience_gender", [data["audience_gender"]] if data.get("audience_gender") else [],
             data.get("audience_gender_min")),
        ):  # fmt: skip
            if keys and minimum:
                sql, params = _share_sql(column, keys)
                alias = f"{column}_share"
                # Only placeholders are interpolated; the values travel as parameters.
                share = RawSQL(sql, params, output_field=FloatField())  # noqa: S611
                queryset = queryset.alias(**{alias: share})
                queryset = with_facet(
                    queryset,
                    Q(**{f"{alias}__gte": float(minimum)}),
                    self.facet(facets.share_at_least(column, keys, minimum)),
                )
        if data.get("interest"):
            # Audience interested in any of them (their share is part of the fit score).
            condition = Q()
            for interest in data["interest"]:
                condition |= Q(audience_interests__has_key=interest)
            queryset = with_facet(
                queryset, condition, self.facet(facets.values("ai", data["interest"])), same=True
            )
        return self._sort(queryset, data)

    def _sort(self, queryset: QuerySet, data: dict) -> QuerySet:
        sort = sort_of(data)
        expression, params = scoring.fit_sql(target_from(data))
        fit = RawSQL(expression, params, output_field=FloatField())  # noqa: S611 (params bound)
        queryset = queryset.annotate(fit=fit)
        if sort == "relevance" and data.get("q"):
            return queryset.order_by("-rank", "-fit", "id")
        if sort == "followers":
            return queryset.order_by("-followers", "id")
        if sort == "engagement":
            return queryset.order_by(F("engagement_rate").desc(nulls_last=True), "id")
        return queryset.order_by("-fit", "-followers", "id")


def sort_of(data) -> str:
    """The sort in effect: as asked, else relevance for a text search, else fit. Relevance
    without words to rank by is the default, fit (the form's first option says
    "Relevance", so a search without words sends it)."""
    sort = data.get("sort")
    if sort == "relevance" and not data.get("q"):
        sort = None
    return sort or ("relevance" if data.get("q") else "fit")


# The parameters target_from reads.
TARGET_PARAMS = ("audience_country", "audience_age", "audience_gender", "interest", "competitor")


def target_from(data: dict) -> scoring.Target:
    """The ad hoc target audience set by the search filters (it drives the fit score)."""
    return scoring.Target(
        countries=tuple(data.get("audience_country") or ()),
        ages=tuple(data.get("audience_age") or ()),
        gender=data.get("audience_gender") or "",
        interests=tuple(data.get("interest") or ()),
        competitors=tuple(data.get("competitor") or ()),
    )


class SocialAccountFilterSet(django_filters.FilterSet):
    # A number, not a model choice: building choices would query creators at import time,
    # outside any tenant scope (and the queryset is scoped already).
    creator = django_filters.NumberFilter(field_name="creator_id")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)

    class Meta:
        fields: list[str] = []
