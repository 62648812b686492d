"""seed_demo gives the demo campaign's published collaborations tracking links whose
clicks went through the real buffer and flush; running it again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kolhub.models import Organization
from tracking import clicks
from tracking.models import Click, TrackingLink

pytestmark = pytest.mark.django_db


def test_seed_demo_links_with_flushed_clicks():
    for key in clicks._redis().keys(clicks._key("*")):
        clicks._redis().delete(key)
    call_command("seed_demo")
    from kolhub.tenancy.context import tenant_context

    org = Organization.objects.get(slug="glow-lab")
    with tenant_context(org):
        links = TrackingLink.objects.count()
        recorded = Click.objects.count()
        unique = Click.objects.filter(is_unique=True).count()
    assert links >= 1 and recorded > unique > 0
    call_command("seed_demo")
    with tenant_context(org):
        assert (TrackingLink.objects.count(), Click.objects.count()) == (links, recorded)


def test_seed_demo_results_go_through_the_ledger_and_the_rollups():
    """Three weeks of clicks and orders: every credit is in the ledger with its rule, a
    cancellation and a refund are reversed, and the dashboard's rollups equal the raw
    events they were built from. A second run adds nothing."""
    from django.db.models import Sum

    from kolhub.tenancy.context import tenant_context
    from tracking.models import AttributionEntry, Conversion, DailyRollup

    call_command("seed_demo")
    org = Organization.objects.get(slug="glow-lab")
    with tenant_context(org):
        conversions = Conversion.objects.filter(source_label="demo-store").count()
        entries = AttributionEntry.objects.all()
        rules = set(entries.filter(kind="credit").values_list("rule", flat=True))
        kinds = set(entries.values_list("kind", flat=True))
        ledger = entries.aggregate(n=Sum("conversions"), revenue=Sum("revenue"))
        rolled = DailyRollup.objects.aggregate(n=Sum("conversions"), revenue=Sum("revenue"),
                                               clicks=Sum("clicks"))  # fmt: skip
        unique_clicks = Click.objects.filter(is_unique=True).count()
    assert conversions > 20
    assert {"click", "code", "utm"} <= rules
    assert kinds == {"credit", "reversal", "refund"}
    assert (rolled["n"], rolled["revenue"]) == (ledger["n"], ledger["revenue"])
    assert rolled["clicks"] == unique_clicks > 0
    call_command("seed_demo")
    with tenant_context(org):
        assert Conversion.objects.filter(source_label="demo-store").count() == conversions
