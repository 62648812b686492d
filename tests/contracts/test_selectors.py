"""Terms as data, put to work: usage rights ending soon, exclusivity conflicts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts import selectors
from tests.contracts.factories import completed_contract, make_contract

pytestmark = pytest.mark.django_db


def test_usage_rights_ending_within_the_window(tenant_a, settings):
    settings.CONTRACTS_USAGE_WARNING_DAYS = 30
    today = timezone.localdate()
    org = tenant_a.organization
    with tenant_a.context():
        soon = completed_contract(
            tenant_a, render=False, start=today - timedelta(days=70), usage_days=90
        )  # ends in 19 days
        completed_contract(tenant_a, render=False, start=today, usage_days=90)  # 89 days
        just_ended = completed_contract(
            tenant_a, render=False, start=today - timedelta(days=92), usage_days=90
        )
        long_gone = completed_contract(
            tenant_a, render=False, start=today - timedelta(days=200), usage_days=90
        )
        make_contract(tenant_a, start=today - timedelta(days=70), usage_days=90)  # a draft
        ending = list(selectors.usage_rights_ending(organization=org))
    assert [c.pk for c in ending] == [just_ended.pk, soon.pk]
    assert long_gone.pk not in [c.pk for c in ending]


def test_exclusivity_conflicts_count_signed_and_sent_not_drafts(tenant_a):
    org = tenant_a.organization
    today = timezone.localdate()
    with tenant_a.context():
        signed = completed_contract(
            tenant_a, render=False, exclusive=["Skincare", "SPF"], exclusive_days=60
        )
        creator = signed.collaboration.creator
        sent = make_contract(
            tenant_a, send=True, creator=creator, exclusive=["skincare"], exclusive_days=30
        )
        make_contract(tenant_a, creator=creator, exclusive=["skincare"], exclusive_days=30)
        found = selectors.exclusivity_conflicts(
            organization=org, creator=creator, categories=[" SKINCARE "]
        )
        assert {(c.contract.pk, c.binding) for c in found} == {(signed.pk, True), (sent.pk, False)}
        assert "exclusive for skincare" in found[0].message
        assert selectors.exclusivity_conflicts(
            organization=org, creator=creator, categories=["spf"]
        )[0].categories == ("spf",)
        assert not selectors.exclusivity_conflicts(
            organization=org, creator=creator, categories=["fitness"]
        )
        after = today + timedelta(days=61)
        assert not selectors.exclusivity_conflicts(
            organization=org, creator=creator, categories=["spf"], start=after
        )
        # Another creator is free.
        other = make_contract(tenant_a).collaboration.creator
        assert not selectors.exclusivity_conflicts(
            organization=org, creator=other, categories=["skincare"]
        )


def test_usage_rights_warnings_count_the_organizations_days(tenant_a, settings):
    """Usage rights ending on the organization's tomorrow are "ending", not "ended",
    even when the server's date (UTC) is already that tomorrow's yesterday... and the
    dashboard and campaign panels say which have ended."""
    import datetime

    import time_machine

    from kolhub.models import Role

    settings.CONTRACTS_USAGE_WARNING_DAYS = 10
    org = tenant_a.organization
    org.timezone = "Pacific/Kiritimati"  # UTC+14
    org.save(update_fields=["timezone"])
    # 12:00 UTC on March 1 is 02:00 on March 2 in Kiritimati.
    with time_machine.travel(datetime.datetime(2031, 3, 1, 12, 0, tzinfo=datetime.UTC)):
        with tenant_a.context():
            ended = completed_contract(
                tenant_a, render=False, start=datetime.date(2031, 1, 1), usage_days=60,
                creator_name="Dr Ended Usage",
            )  # fmt: skip  # last day March 1: ended, in Kiritimati
            edge = completed_contract(
                tenant_a, render=False, start=datetime.date(2031, 1, 13), usage_days=60,
                creator_name="Dr Edge Usage",
            )  # fmt: skip  # last day March 13: 11 days away in Kiritimati, 12 in UTC
            inside = completed_contract(
                tenant_a, render=False, start=datetime.date(2031, 1, 12), usage_days=60,
                creator_name="Dr Inside Usage",
            )  # fmt: skip  # last day March 12: 10 days away in Kiritimati
            found = [c.pk for c in selectors.usage_rights_ending(organization=org)]
        assert found == [ended.pk, inside.pk] and edge.pk not in found
        client = tenant_a.client(Role.VIEWER)
        slug = org.slug
        dashboard = client.get(f"/o/{slug}/contracts/panels/dashboard/").content.decode()
        assert "Usage rights ending within 10 days" in dashboard
        assert "ended Mar 1, 2031" in dashboard and "until Mar 12, 2031" in dashboard
        assert "Dr Edge Usage" not in dashboard
        campaign = client.get(
            f"/o/{slug}/contracts/panels/campaign/{inside.collaboration.campaign_id}/"
        ).content.decode()
        assert "data-usage-warning" in campaign and "until Mar 12, 2031" in campaign
        assert "Dr Ended Usage" not in campaign  # another campaign's contract
