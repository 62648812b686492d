"""Campaign services: create / update with nested rows in one transaction, validation a
person can act on, same-organization checks, adding and removing creators."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignProduct,
    Collaboration,
    KpiTarget,
    StageChange,
)
from campaigns.pipeline import Stage
from creators.models import CreatorStatus
from tests.campaigns.factories import full_campaign, make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_create_with_products_targets_and_budget(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org, name="Spring Launch!", owner=tenant_a.member,
                                 target_countries=["us", " ca "], target_interests=["Skin Care"],
                                 target_ages=["25-34"], target_gender="Female")  # fmt: skip
        assert campaign.slug == "spring-launch"
        assert campaign.currency == org.default_currency == "USD"
        assert campaign.attribution_window_days == 30
        assert campaign.target_countries == ["US", "CA"]
        assert campaign.target_interests == ["skin care"] and campaign.target_gender == "female"
        assert CampaignProduct.objects.get(campaign=campaign).currency == "USD"
        assert {t.metric for t in KpiTarget.objects.filter(campaign=campaign)} == {
            "revenue",
            "roas",
        }
        assert BudgetLine.objects.filter(campaign=campaign).count() == 2
        # Same name again: a free slug is chosen.
        assert make_campaign(org, name="Spring launch").slug == "spring-launch-2"


def test_create_is_all_or_nothing(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        with pytest.raises(ValidationError) as caught:
            services.campaign_create(
                organization=org, data={"name": "Broken"},
                products=[{"name": "A", "sku": "X1", "unit_cost": "1", "price": "2"}],
                kpi_targets=[{"metric": "revenue", "target_value": "0"}],
            )  # fmt: skip
        assert "kpi_targets" in caught.value.message_dict
        assert "more than 0" in caught.value.message_dict["kpi_targets"][0]
        assert not Campaign.objects.filter(name="Broken").exists()
        assert not CampaignProduct.objects.exists()


@pytest.mark.parametrize(
    ("data", "kwargs", "field", "text"),
    [
        ({"name": "  "}, {}, "name", "Name the campaign"),
        ({"name": "X", "start_date": "2026-05-01", "end_date": "2026-04-01"}, {}, "end_date",
         "cannot end before"),
        ({"name": "X", "currency": "XXX"}, {}, "currency", "not a supported currency"),
        ({"name": "X", "target_countries": ["USA"]}, {}, "target_countries", "two-letter"),
        ({"name": "X", "target_ages": ["12-15"]}, {}, "target_ages", "Age buckets"),
        ({"name": "X", "target_gender": "robots"}, {}, "target_gender", "Gender is one of"),
        ({"name": "X", "attribution_window_days": 0}, {}, "attribution_window_days", ""),
        ({"name": "X"}, {"kpi_targets": [{"metric": "vibes", "target_value": 1}]}, "kpi_targets",
         "not a KPI"),
        ({"name": "X"}, {"kpi_targets": [{"metric": "reach", "target_value": 1},
                                          {"metric": "reach", "target_value": 2}]},
         "kpi_targets", "two targets"),
        ({"name": "X"}, {"budget_lines": [{"category": "kol_fees", "planned_amount": "-5"}]},
         "budget_lines", "more than 0"),
        ({"name": "X"}, {"budget_lines": [{"category": "snacks", "planned_amount": "5"}]},
         "budget_lines", "not one of"),
        ({"name": "X"}, {"products": [{"name": "A", "sku": "S", "unit_cost": "1", "price": "2"},
                                       {"name": "B", "sku": "s", "unit_cost": "1", "price": "2"}]},
         "products", "appears twice"),
        ({"name": "X"}, {"products": [{"name": "A", "sku": "S", "unit_cost": "lots",
                                        "price": "2"}]}, "products", "not an amount"),
        ({"name": "X"}, {"products": [{"name": "", "sku": "S", "unit_cost": "1", "price": "2"}]},
         "products", "name and a SKU"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(tenant_a, data, kwargs, field, text):
    with tenant_a.context(), pytest.raises(ValidationError) as caught:
        services.campaign_create(organization=tenant_a.organization, data=data, **kwargs)
    assert field in caught.value.message_dict
    assert text in " ".join(caught.value.message_dict[field])


def test_explicit_slug_must_be_free(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        make_campaign(org, name="A", slug="launch")
        with pytest.raises(ValidationError, match="already uses"):
            make_campaign(org, name="B", slug="launch")


def test_slug_is_unique_per_organization_only(tenant_a, tenant_b):
    with tenant_a.context():
        a = make_campaign(tenant_a.organization, name="Launch")
    with tenant_b.context():
        b = make_campaign(tenant_b.organization, name="Launch")
    assert a.slug == b.slug == "launch"


def test_owner_must_be_a_member(tenant_a, tenant_b):
    with tenant_a.context(), pytest.raises(ValidationError) as caught:
        make_campaign(tenant_a.organization, name="X", owner=tenant_b.owner)
    assert "not a member" in caught.value.message_dict["owner"][0]


def test_update_replaces_given_sets_and_keeps_the_others(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org, name="Launch")
        services.campaign_update(
            organization=org, campaign=campaign, data={"objective": "awareness"},
            products=[{"name": "Serum v2", "sku": "SER-1", "unit_cost": "6", "price": "31"},
                      {"name": "Kit", "sku": "KIT-1", "unit_cost": "9", "price": "50"}],
            kpi_targets=[{"metric": "reach", "target_value": "100000"}],
        )  # fmt: skip
        products = {p.sku: p for p in CampaignProduct.objects.filter(campaign=campaign)}
        assert products["SER-1"].name == "Serum v2" and products["SER-1"].unit_cost == Decimal("6")
        assert set(products) == {"SER-1", "KIT-1"}
        assert [t.metric for t in KpiTarget.objects.filter(campaign=campaign)] == ["reach"]
        assert BudgetLine.objects.filter(campaign=campaign).count() == 2  # not given: kept
        services.campaign_update(organization=org, campaign=campaign, data={}, products=[],
                                 budget_lines=[])  # fmt: skip
        assert not CampaignProduct.objects.filter(campaign=campaign).exists()
        assert not BudgetLine.objects.filter(campaign=campaign).exists()


def test_update_of_another_organizations_campaign_is_refused(tenant_a, tenant_b):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.campaign_update(organization=tenant_b.organization, campaign=campaign,
                                 data={"name": "Mine now"})  # fmt: skip


def test_delete_only_before_anyone_moved(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        make_collaboration(org, campaign)
        services.campaign_delete(organization=org, campaign=campaign)
        assert not Campaign.objects.filter(pk=campaign.pk).exists()
        assert not StageChange.objects.exists()
        other = make_campaign(org)
        make_collaboration(org, other, stage=Stage.INVITED)
        with pytest.raises(ValidationError, match="archive the campaign instead"):
            services.campaign_delete(organization=org, campaign=other)


def test_collaborations_add_is_idempotent_and_counts_what_it_did(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_b.context():
        foreign = make_creator(tenant_b.organization, name="Foreign")
    with tenant_a.context():
        campaign = make_campaign(org)
        one, two = make_creator(org), make_creator(org)
        dnc = make_creator(org, status=CreatorStatus.DO_NOT_CONTACT)
        result = services.collaborations_add(
            organization=org, campaign=campaign,
            creator_ids=[one.pk, two.pk, dnc.pk, foreign.pk, 999_999_999],
            added_by=tenant_a.member,
        )  # fmt: skip
        assert (result.added, result.skipped, result.do_not_contact, result.not_found) == (
            2,
            0,
            1,
            2,
        )
        assert "Added 2 creators" in result.summary() and "do-not-contact" in result.summary()
        again = services.collaborations_add(organization=org, campaign=campaign,
                                            creator_ids=[one.pk, two.pk], added_by=None)  # fmt: skip
        assert (again.added, again.skipped) == (0, 2)
        rows = Collaboration.objects.filter(campaign=campaign)
        assert rows.count() == 2
        assert {r.owner for r in rows} == {tenant_a.member}  # the adder owns them by default
        assert {r.added_by for r in rows} == {tenant_a.member}
        history = StageChange.objects.filter(collaboration__campaign=campaign)
        assert {(h.from_stage, h.to_stage) for h in history} == {("", Stage.SHORTLISTED)}


def test_no_adding_to_a_completed_campaign(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, status="completed")
        creator = make_creator(org)
        with pytest.raises(ValidationError, match="completed"):
            services.collaborations_add(organization=org, campaign=campaign,
                                        creator_ids=[creator.pk], added_by=None)  # fmt: skip


def test_remove_only_from_the_shortlist(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        shortlisted = make_collaboration(org, campaign)
        invited = make_collaboration(org, campaign, stage=Stage.INVITED)
        services.collaboration_remove(organization=org, collaboration=shortlisted)
        assert not Collaboration.objects.filter(pk=shortlisted.pk).exists()
        with pytest.raises(ValidationError, match="Cancel it instead"):
            services.collaboration_remove(organization=org, collaboration=invited)


def test_assign_owner_must_be_a_member(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, make_campaign(org))
        services.collaboration_assign(organization=org, collaboration=collaboration,
                                      owner=tenant_a.viewer)  # fmt: skip
        assert Collaboration.objects.get(pk=collaboration.pk).owner == tenant_a.viewer
        with pytest.raises(ValidationError, match="not a member"):
            services.collaboration_assign(organization=org, collaboration=collaboration,
                                          owner=tenant_b.owner)  # fmt: skip
