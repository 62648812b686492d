"""The state machine: the documented table, and the transition service held to it for
every pair of stages (12 × 12), each legal move recorded, each illegal one refused with
both stages named and what is allowed next."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from campaigns import pipeline, services
from campaigns.models import Collaboration, StageChange
from campaigns.pipeline import ORDER, TRANSITIONS, Stage
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db

S = Stage
# The table as campaigns/pipeline.py documents it, written out by hand: if the code
# drifts from the documented rules, this fails.
EXPECTED = {
    S.SHORTLISTED: {S.INVITED, S.DECLINED, S.CANCELLED},
    S.INVITED: {S.NEGOTIATING, S.DECLINED, S.CANCELLED},
    S.NEGOTIATING: {S.AGREED, S.DECLINED, S.CANCELLED},
    S.AGREED: {S.CONTRACTED, S.CANCELLED},
    S.CONTRACTED: {S.PRODUCT_SHIPPED, S.CANCELLED},
    S.PRODUCT_SHIPPED: {S.CONTENT_IN_REVIEW, S.CANCELLED},
    S.CONTENT_IN_REVIEW: {S.APPROVED, S.CANCELLED},
    S.APPROVED: {S.PUBLISHED, S.CANCELLED},
    S.PUBLISHED: {S.PAID, S.CANCELLED},
    S.PAID: set(),
    S.DECLINED: {S.NEGOTIATING},
    S.CANCELLED: set(),
}


def test_table_is_the_documented_one():
    assert set(TRANSITIONS) == set(Stage.values) == set(ORDER)
    assert {k: set(v) for k, v in TRANSITIONS.items()} == EXPECTED


def test_every_stage_is_reachable_from_shortlisted():
    seen, frontier = {S.SHORTLISTED}, [S.SHORTLISTED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Stage.values)


@pytest.fixture
def campaign(tenant_a):
    with tenant_a.context():
        return make_campaign(tenant_a.organization, name="Pipeline test")


@pytest.mark.parametrize(("from_stage", "to_stage"), list(itertools.product(ORDER, ORDER)))
def test_every_pair_against_the_table(tenant_a, campaign, from_stage, to_stage):
    org, by = tenant_a.organization, tenant_a.member
    with tenant_a.context():
        collaboration = make_collaboration(org, campaign, stage=from_stage, by=by)
        history = StageChange.objects.filter(collaboration=collaboration).count()
        if to_stage in EXPECTED[from_stage]:
            moved = services.collaboration_transition(
                organization=org, collaboration=collaboration, to_stage=to_stage, by=by,
                reason="because",
            )  # fmt: skip
            assert moved.stage == to_stage == collaboration.stage
            assert Collaboration.objects.get(pk=collaboration.pk).stage == to_stage
            last = StageChange.objects.filter(collaboration=collaboration).last()
            assert (last.from_stage, last.to_stage, last.by, last.reason) == (
                from_stage, to_stage, by, "because",
            )  # fmt: skip
            assert StageChange.objects.filter(collaboration=collaboration).count() == history + 1
        else:
            with pytest.raises(ValidationError) as caught:
                services.collaboration_transition(
                    organization=org, collaboration=collaboration, to_stage=to_stage, by=by
                )
            message = caught.value.message_dict["to_stage"][0]
            assert pipeline.label(from_stage) in message
            if from_stage != to_stage:
                assert pipeline.label(to_stage) in message
            for allowed in EXPECTED[from_stage]:
                assert pipeline.label(allowed) in message
            assert Collaboration.objects.get(pk=collaboration.pk).stage == from_stage
            assert StageChange.objects.filter(collaboration=collaboration).count() == history


def test_refusal_messages_read_well():
    assert pipeline.refusal(S.INVITED, S.CONTRACTED) == (
        "Cannot move from Invited to Contracted. "
        "From Invited it can move to Negotiating, Declined, Cancelled."
    )
    assert "final" in pipeline.refusal(S.PAID, S.CANCELLED)
    assert pipeline.refusal(S.INVITED, S.INVITED) == (
        "The collaboration is already Invited. "
        "From Invited it can move to Negotiating, Declined, Cancelled."
    )
    assert "not a stage" in pipeline.refusal(S.INVITED, "teleported")


def test_unknown_stage_is_refused(tenant_a, campaign):
    with tenant_a.context():
        collaboration = make_collaboration(tenant_a.organization, campaign)
        with pytest.raises(ValidationError, match="not a stage"):
            services.collaboration_transition(
                organization=tenant_a.organization, collaboration=collaboration,
                to_stage="teleported", by=None,
            )  # fmt: skip


def test_transition_reads_the_stage_from_the_database_not_a_stale_object(tenant_a, campaign):
    """Two people move the same card: the second request's object is stale. The service
    decides from the row it locked, so the second move is judged from the new stage."""
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, campaign)
        stale = Collaboration.objects.get(pk=collaboration.pk)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=S.INVITED, by=tenant_a.owner)  # fmt: skip
        with pytest.raises(ValidationError, match="already Invited"):
            services.collaboration_transition(organization=org, collaboration=stale,
                                              to_stage=S.INVITED, by=tenant_a.member)  # fmt: skip
        assert (
            StageChange.objects.filter(collaboration=collaboration, to_stage=S.INVITED).count() == 1
        )


def test_history_says_who_acted(tenant_a, campaign):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, campaign, by=tenant_a.owner)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=S.INVITED, by=tenant_a.owner)  # fmt: skip
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=S.DECLINED, by=None,
                                          actor="creator via portal")  # fmt: skip
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=S.NEGOTIATING, by=None)  # fmt: skip
        history = list(StageChange.objects.filter(collaboration=collaboration).select_related("by"))
    assert [(h.from_stage, h.to_stage) for h in history] == [
        ("", S.SHORTLISTED), (S.SHORTLISTED, S.INVITED), (S.INVITED, S.DECLINED),
        (S.DECLINED, S.NEGOTIATING),
    ]  # fmt: skip
    assert [h.who for h in history] == [
        tenant_a.owner.display_name, tenant_a.owner.display_name, "creator via portal", "system",
    ]  # fmt: skip


def test_archived_campaign_refuses_moves(tenant_a, campaign):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, campaign)
        services.campaign_update(organization=org, campaign=campaign, data={"status": "archived"})
        with pytest.raises(ValidationError, match="archived"):
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=S.INVITED, by=None)  # fmt: skip


def test_another_organizations_collaboration_is_refused(tenant_a, tenant_b, campaign):
    with tenant_a.context():
        collaboration = make_collaboration(tenant_a.organization, campaign)
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.collaboration_transition(organization=tenant_b.organization,
                                          collaboration=collaboration, to_stage=S.INVITED,
                                          by=None)  # fmt: skip
