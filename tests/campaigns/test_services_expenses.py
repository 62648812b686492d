"""Campaign expenses' services and the budget they feed: what is refused (amounts that
are not more than 0, categories with their own source, a creator of another campaign,
another organization's rows, changes once paid), mark-paid idempotency, and committed /
spent per category, per creator and campaign-wide."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns import budget, selectors, services
from campaigns.models import BudgetCategory, CampaignExpense, ExpenseStatus
from campaigns.pipeline import Stage
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def expense(org, campaign, **overrides) -> CampaignExpense:
    data = {"category": "amplification", "description": "Spark Ads on the reel",
            "amount": Decimal("250.00"), "incurred_on": DAY}  # fmt: skip
    data.update(overrides)
    return services.expense_create(organization=org, campaign=campaign, **data)


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_create_records_a_committed_expense(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, currency="EUR")
        collaboration = make_collaboration(org, campaign)
        row = expense(org, campaign, collaboration=collaboration, by=tenant_a.member,
                      description="  Spark Ads\n on   Mia's reel ", amount="1,250.50")  # fmt: skip
        row.refresh_from_db()
    assert row.status == ExpenseStatus.COMMITTED and row.paid_on is None
    assert row.description == "Spark Ads on Mia's reel"
    assert row.amount == Decimal("1250.50") and row.collaboration == collaboration
    assert row.created_by == tenant_a.member and row.organization == org


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "-0.01"])
def test_amounts_not_more_than_zero_are_refused(tenant_a, amount):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError) as excinfo:
            expense(org, campaign, amount=amount)
        assert "more than 0" in " ".join(errors(excinfo)["amount"])
        assert not CampaignExpense.objects.exists()


@pytest.mark.parametrize("amount", ["abc", "", None, "1.005", "NaN", "Infinity", "1e30"])
def test_amounts_that_are_not_cents_are_refused(tenant_a, amount):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError) as excinfo:
            expense(org, campaign, amount=amount)
        assert "amount" in errors(excinfo)


@pytest.mark.parametrize("category", ["kol_fees", "shipping", "product_cost", "", "ads"])
def test_categories_other_than_amplification_and_other_are_refused(tenant_a, category):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError) as excinfo:
            expense(org, campaign, category=category)
        assert "amplification spend or other" in errors(excinfo)["category"][0]


def test_every_bad_field_is_named_at_once(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError) as excinfo:
            expense(org, campaign, category="shipping", description="   ", amount="0",
                    incurred_on=None)  # fmt: skip
    assert set(errors(excinfo)) == {"category", "description", "amount", "incurred_on"}


def test_database_refuses_what_the_service_refuses(tenant_a):
    """The check constraints hold even for a write that skips the service."""
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        for bad in ({"amount": Decimal("0")}, {"category": "kol_fees"},
                    {"status": "paid"}):  # fmt: skip
            fields = {"organization": org, "campaign": campaign, "category": "other",
                      "description": "x", "amount": Decimal("1"), "incurred_on": DAY, **bad}  # fmt: skip
            with pytest.raises(IntegrityError), transaction.atomic():
                CampaignExpense.objects.create(**fields)


def test_a_collaboration_of_another_campaign_is_refused(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign, other = make_campaign(org), make_campaign(org)
        elsewhere = make_collaboration(org, other)
        with pytest.raises(ValidationError) as excinfo:
            expense(org, campaign, collaboration=elsewhere)
        assert f"is not in {campaign.name}" in errors(excinfo)["collaboration"][0]
        mine = expense(org, campaign)
        with pytest.raises(ValidationError) as excinfo:
            services.expense_update(
                organization=org, expense=mine, collaboration=elsewhere, category="other",
                description="x", amount="1", incurred_on=DAY,
            )  # fmt: skip
        assert "collaboration" in errors(excinfo)
        assert CampaignExpense.objects.count() == 1


def test_another_organizations_rows_are_refused(tenant_a, tenant_b):
    with tenant_b.context():
        foreign_campaign = make_campaign(tenant_b.organization)
        foreign_collaboration = make_collaboration(tenant_b.organization, foreign_campaign)
        foreign = expense(tenant_b.organization, foreign_campaign)
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        with pytest.raises(ValidationError, match="another organization"):
            expense(org, foreign_campaign)
        with pytest.raises(ValidationError, match="another organization"):
            expense(org, campaign, collaboration=foreign_collaboration)
        for call in (
            lambda: services.expense_mark_paid(organization=org, expense=foreign, reference="R"),
            lambda: services.expense_delete(organization=org, expense=foreign),
            lambda: services.expense_update(organization=org, expense=foreign, category="other",
                                            description="x", amount="1", incurred_on=DAY),
        ):  # fmt: skip
            with pytest.raises(ValidationError, match="another organization"):
                call()
        assert not CampaignExpense.objects.exists()
    with pytest.raises(CampaignExpense.DoesNotExist), tenant_a.context():
        selectors.expense_get(organization=org, expense_id=foreign.pk)
    with tenant_b.context():
        assert CampaignExpense.objects.get(pk=foreign.pk).status == ExpenseStatus.COMMITTED


def test_mark_paid_needs_a_reference_and_is_idempotent(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        row = expense(org, make_campaign(org))
        with pytest.raises(ValidationError) as excinfo:
            services.expense_mark_paid(organization=org, expense=row, reference="  ")
        assert "reference" in errors(excinfo)
        future = datetime.date.today() + datetime.timedelta(days=3)
        with pytest.raises(ValidationError) as excinfo:
            services.expense_mark_paid(organization=org, expense=row, reference="INV-1",
                                       paid_on=future)  # fmt: skip
        assert "paid_on" in errors(excinfo)
        paid = services.expense_mark_paid(organization=org, expense=row, reference=" INV-1 ",
                                          paid_on=DAY)  # fmt: skip
        assert (paid.status, paid.paid_on, paid.paid_reference) == ("paid", DAY, "INV-1")
        updated_at = paid.updated_at
        again = services.expense_mark_paid(organization=org, expense=row, reference="INV-1")
        assert again.paid_on == DAY and again.updated_at == updated_at
        with pytest.raises(ValidationError) as excinfo:
            services.expense_mark_paid(organization=org, expense=row, reference="INV-2")
        assert "already recorded as paid" in errors(excinfo)["reference"][0]
        row.refresh_from_db()
        assert row.paid_reference == "INV-1"


def test_paid_on_defaults_to_the_organizations_today(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        row = expense(org, make_campaign(org))
        paid = services.expense_mark_paid(organization=org, expense=row, reference="R-9")
    assert paid.paid_on == selectors.organization_today(org)


def test_update_and_delete_only_while_committed(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign)
        row = expense(org, campaign)
        changed = services.expense_update(
            organization=org, expense=row, collaboration=collaboration, category="other",
            description="Venue deposit", amount="99.90", incurred_on=DAY,
        )  # fmt: skip
        assert (changed.category, changed.amount, changed.collaboration) == (
            "other",
            Decimal("99.90"),
            collaboration,
        )
        gone = expense(org, campaign)
        services.expense_delete(organization=org, expense=gone)
        assert not CampaignExpense.objects.filter(pk=gone.pk).exists()
        services.expense_mark_paid(organization=org, expense=row, reference="INV-7")
        with pytest.raises(ValidationError, match="cannot be changed"):
            services.expense_update(organization=org, expense=row, category="other",
                                    description="Sneaky", amount="1", incurred_on=DAY)  # fmt: skip
        with pytest.raises(ValidationError, match="cannot be deleted"):
            services.expense_delete(organization=org, expense=row)
        row.refresh_from_db()
        assert row.description == "Venue deposit" and row.amount == Decimal("99.90")


def test_budget_sums_committed_and_spent_per_category_and_creator(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, budget_lines=[
            {"category": "amplification", "planned_amount": Decimal("1000")},
            {"category": "other", "planned_amount": Decimal("500")}])  # fmt: skip
        other_campaign = make_campaign(org)
        mia = make_collaboration(org, campaign, stage=Stage.INVITED)
        leo = make_collaboration(org, campaign)
        paid_boost = expense(org, campaign, collaboration=mia, amount="300.00")
        services.expense_mark_paid(organization=org, expense=paid_boost, reference="A-1")
        expense(org, campaign, collaboration=mia, amount="50.25")
        expense(org, campaign, collaboration=leo, amount="20.00")
        wide = expense(org, campaign, amount="100.00")
        services.expense_mark_paid(organization=org, expense=wide, reference="A-2")
        expense(org, campaign, category="other", amount="75.00")
        paid_other = expense(org, campaign, category="other", amount="25.00", collaboration=leo)
        services.expense_mark_paid(organization=org, expense=paid_other, reference="O-1")
        expense(org, other_campaign, amount="999.00")
        lines = budget.cost_lines(organization=org, campaign_ids=[campaign.pk, other_campaign.pk])
        report = selectors.campaign_budget(organization=org, campaign=campaign)
    mine = {(line.category, line.collaboration_id): (line.committed, line.spent)
            for line in lines if line.campaign_id == campaign.pk
            and line.category in ("amplification", "other")}  # fmt: skip
    assert mine == {
        ("amplification", mia.pk): (Decimal("350.25"), Decimal("300.00")),
        ("amplification", leo.pk): (Decimal("20.00"), Decimal("0.00")),
        ("amplification", None): (Decimal("100.00"), Decimal("100.00")),
        ("other", leo.pk): (Decimal("25.00"), Decimal("25.00")),
        ("other", None): (Decimal("75.00"), Decimal("0.00")),
    }
    assert [(line.committed, line.spent) for line in lines
            if line.campaign_id == other_campaign.pk] == [(Decimal("999.00"), Decimal("0.00"))]  # fmt: skip
    rows = {row.category: row for row in report.rows}
    amplification, other = rows[BudgetCategory.AMPLIFICATION], rows[BudgetCategory.OTHER]
    assert (amplification.committed, amplification.spent) == (Decimal("470.25"), Decimal("400.00"))
    assert amplification.used_percent == Decimal("47.0")
    assert (other.committed, other.spent, other.remaining) == (
        Decimal("100.00"),
        Decimal("25.00"),
        Decimal("400.00"),
    )
    committed = budget.committed_by_collaboration(lines)
    assert committed[mia.pk] == Decimal("350.25") and committed[leo.pk] == Decimal("45.00")
    assert budget.committed_by_campaign(lines)[campaign.pk] == Decimal("570.25")


def test_budget_reads_expenses_in_one_query_per_category(tenant_a, django_assert_num_queries):
    org = tenant_a.organization
    with tenant_a.context():
        campaigns = [make_campaign(org) for _ in range(3)]
        for campaign in campaigns:
            expense(org, campaign)
            expense(org, campaign, category="other")
        ids = [c.pk for c in campaigns]
        with django_assert_num_queries(1):
            assert len(budget.amplification_costs(org, ids)) == 3
        with django_assert_num_queries(1):
            assert len(budget.other_costs(org, ids)) == 3
