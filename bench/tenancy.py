"""Tenant context overhead: one transaction reading 50 memberships, (a) as the owner
with a plain organization filter (baseline) vs (b) inside tenant_context: the
django-scopes scope, `SET LOCAL ROLE kolhub_app`, `app.current_org` and row-level
security. Rounds alternate (a) and (b) so machine noise hits both alike.

Figure of merit: ratio = median(b) / median(a); the cost isolation adds per request."""

from __future__ import annotations

import json

from common import bench_database, median_ms, setup_django, timed

ROUNDS = 30
TXNS_PER_ROUND = 100


def main() -> None:
    setup_django()
    from django.db import transaction

    from kolhub.models import Membership, Organization, Role, User
    from kolhub.tenancy.context import dangerously_unscoped, tenant_context

    with bench_database("tenancy"):
        print("seeding 2 organizations x 500 members", flush=True)
        orgs = []
        for n in range(2):
            org = Organization.objects.create(name=f"Bench {n}", slug=f"bench-{n}")
            users = User.objects.bulk_create(User(email=f"u{n}-{i}@bench.test") for i in range(500))
            with tenant_context(org):
                Membership.objects.bulk_create(
                    Membership(organization=org, user=u, role=Role.MEMBER) for u in users
                )
            orgs.append(org)
        org = orgs[0]

        def baseline():
            for _ in range(TXNS_PER_ROUND):
                with transaction.atomic(), dangerously_unscoped():
                    list(Membership.objects.filter(organization=org).order_by("id")[:50])

        def scoped():
            for _ in range(TXNS_PER_ROUND):
                with tenant_context(org):
                    list(Membership.objects.order_by("id")[:50])

        base, tenant = [], []
        for i in range(ROUNDS):
            base += timed(baseline, 1)
            tenant += timed(scoped, 1)
            if i % 10 == 0:
                print(f"round {i + 1}/{ROUNDS}", flush=True)
        per_txn = 1 / TXNS_PER_ROUND
        result = {
            "benchmark": "tenancy",
            "transactions": ROUNDS * TXNS_PER_ROUND * 2,
            "baseline_ms_per_txn": round(median_ms(base) * per_txn, 4),
            "tenant_context_ms_per_txn": round(median_ms(tenant) * per_txn, 4),
            "ratio": round(median_ms(tenant) / median_ms(base), 3),
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
