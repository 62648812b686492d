"""Creators built through the services, so derived fields are real."""

from __future__ import annotations

import itertools

from creators import services

_n = itertools.count(1)


def make_creator(organization, *, accounts=None, rates=None, **data):
    n = next(_n)
    data.setdefault("name", f"Creator {n}")
    if accounts is None:
        accounts = [{"platform": "instagram", "handle": f"creator{n}", "followers": 20_000,
                     "engagement_rate": "3.0"}]  # fmt: skip
    return services.creator_create(
        organization=organization, data=data, accounts=accounts, rates=rates or {}
    )
