"""Filters for the collaboration list: one FilterSet for the page and the API, so the two
always agree. Invalid parameters come back as form errors (the API answers 400)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from campaigns.pipeline import Stage
from creators.models import CreatorRole


class CollaborationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Search", max_length=200)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)
    # Numbers, not model choices: building choices would query at import time, outside
    # any tenant scope (and the queryset is scoped already).
    owner = django_filters.NumberFilter(field_name="owner_id", label="Owner")
    role = django_filters.MultipleChoiceFilter(
        field_name="creator__role", choices=CreatorRole.choices, label="Creator role"
    )
    campaign = django_filters.NumberFilter(field_name="campaign_id", label="Campaign")
    creator = django_filters.NumberFilter(field_name="creator_id", label="Creator")

    class Meta:
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(creator__name__icontains=value)
            | Q(creator__profession__icontains=value)
            | Q(creator__credentials__icontains=value)
            | Q(creator__email__iexact=value)
        )
