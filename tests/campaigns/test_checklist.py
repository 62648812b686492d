"""The 12-step checklist: each derived step ticks itself from the data, manual steps are
ticked by hand (and only those), and the history decides "reached", not the current
stage."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campaigns import selectors, services
from campaigns.checklist import STEP_KEYS, STEPS
from campaigns.pipeline import Stage
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db


def done(tenant, campaign) -> set[str]:
    checklist = selectors.campaign_checklist(organization=tenant.organization, campaign=campaign)
    return {item.step.key for item in checklist.items if item.done}


def test_the_twelve_steps_in_four_phases():
    assert len(STEPS) == 12 and len(set(STEP_KEYS)) == 12
    assert [s.phase for s in STEPS] == ["Planning"] * 3 + ["Outreach"] * 3 + ["Execution"] * 3 + [
        "Measurement"
    ] * 3
    assert {s.key for s in STEPS if s.manual} == {"track_kpis", "analyse"}


def test_steps_tick_themselves_from_the_data(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        assert done(tenant_a, campaign) == set()
        services.kpi_targets_set(organization=org, campaign=campaign,
                                 kpi_targets=[{"metric": "revenue", "target_value": 100}])  # fmt: skip
        services.budget_lines_set(organization=org, campaign=campaign,
                                  budget_lines=[{"category": "other", "planned_amount": 5}])  # fmt: skip
        assert done(tenant_a, campaign) == {"goals", "budget"}
        collaboration = make_collaboration(org, campaign)
        assert done(tenant_a, campaign) == {"goals", "budget", "identify"}
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.INVITED, by=None)  # fmt: skip
        assert "pitch" in done(tenant_a, campaign) and "negotiate" not in done(tenant_a, campaign)
        make_collaboration(org, campaign, stage=Stage.AGREED)
        assert {"negotiate"} <= done(tenant_a, campaign)
        assert "contract" not in done(tenant_a, campaign)
        make_collaboration(org, campaign, stage=Stage.PRODUCT_SHIPPED)
        assert {"contract", "ship"} <= done(tenant_a, campaign)
        assert "review" not in done(tenant_a, campaign)
        make_collaboration(org, campaign, stage=Stage.APPROVED)
        assert "review" in done(tenant_a, campaign)
        services.campaign_learnings_set(organization=org, campaign=campaign,
                                        learnings="  Dermatologists converted best. ")  # fmt: skip
        assert done(tenant_a, campaign) == set(STEP_KEYS) - {"brief", "track_kpis", "analyse"}
        # The brief ticks itself once a version is published (a draft is not enough).
        services.brief_save(organization=org, campaign=campaign, data={"goals": "Explain"},
                            by=None)  # fmt: skip
        assert "brief" not in done(tenant_a, campaign)
        services.brief_publish(organization=org, campaign=campaign, by=None)
        assert done(tenant_a, campaign) == set(STEP_KEYS) - {"track_kpis", "analyse"}


def test_reached_comes_from_the_history(tenant_a):
    """Terms agreed and then cancelled still means terms were negotiated."""
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign, stage=Stage.AGREED)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CANCELLED, by=None)  # fmt: skip
        assert {"identify", "pitch", "negotiate"} <= done(tenant_a, campaign)
        assert "contract" not in done(tenant_a, campaign)


def test_manual_steps_are_ticked_by_hand_and_only_those(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        tick = services.checklist_tick(organization=org, campaign=campaign, step="analyse",
                                       by=tenant_a.member)  # fmt: skip
        again = services.checklist_tick(organization=org, campaign=campaign, step="analyse",
                                        by=tenant_a.owner)  # fmt: skip
        assert again.pk == tick.pk and again.ticked_by == tenant_a.member  # first tick kept
        checklist = selectors.campaign_checklist(organization=org, campaign=campaign)
        analyse = next(i for i in checklist.items if i.step.key == "analyse")
        assert analyse.done and analyse.by_hand and analyse.ticked_by == tenant_a.member
        assert checklist.done == 1
        with pytest.raises(ValidationError, match="ticks itself"):
            services.checklist_tick(organization=org, campaign=campaign, step="goals", by=None)
        with pytest.raises(ValidationError, match="not a checklist step"):
            services.checklist_tick(organization=org, campaign=campaign, step="nap", by=None)
        services.checklist_untick(organization=org, campaign=campaign, step="analyse")
        assert done(tenant_a, campaign) == set()
