"""Campaign expenses on the campaign page's Budget card: recording one (errors next to
the fields, nothing written), the budget table following, mark paid with its reference,
edit and delete while committed only, descriptions escaped, viewers reading only, and
another organization's campaign or expense answering 404."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from campaigns import services
from campaigns.models import CampaignExpense, ExpenseStatus
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DAY = datetime.date(2026, 3, 2)


def url(tenant, campaign, suffix="") -> str:
    return f"/o/{tenant.organization.slug}/campaigns/{campaign.pk}/{suffix}"


def body(response) -> str:
    return response.content.decode()


def record(tenant, campaign, **overrides) -> CampaignExpense:
    data = {"category": "amplification", "description": "Spark Ads on the reel",
            "amount": Decimal("250.00"), "incurred_on": DAY}  # fmt: skip
    data.update(overrides)
    with tenant.context():
        return services.expense_create(organization=tenant.organization, campaign=campaign,
                                       **data)  # fmt: skip


def test_add_expense_from_the_budget_card(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, currency="EUR", budget_lines=[
            {"category": "amplification", "planned_amount": Decimal("1000")}])  # fmt: skip
        collaboration = make_collaboration(org, campaign)
    client = tenant_a.client(Role.MEMBER)
    page = body(client.get(url(tenant_a, campaign)))
    assert 'id="expenses"' in page and "Add expense" in page and "Amount (EUR)" in page
    assert "No expenses recorded yet." in page
    response = client.post(url(tenant_a, campaign, "expenses/"), {
        "category": "amplification", "description": "Partnership ads on the unboxing",
        "amount": "320.50", "incurred_on": "2026-03-01", "collaboration": collaboration.pk,
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(
        f"/campaigns/{campaign.pk}/#expenses"
    )
    with tenant_a.context():
        row = CampaignExpense.objects.get()
    assert row.collaboration == collaboration and row.created_by == tenant_a.member
    page = body(client.get(url(tenant_a, campaign)))
    assert "Partnership ads on the unboxing" in page and collaboration.creator.name in page
    # The budget table's amplification row: planned 1,000, committed 320.50, spent 0.
    amplification_row = page.split("Amplification spend</th>")[1].split("</tr>")[0]
    assert "320.50" in amplification_row and "32.0%" in amplification_row


def test_errors_show_next_to_the_fields_and_nothing_is_written(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        elsewhere = make_collaboration(org, make_campaign(org))
    client = tenant_a.client(Role.MEMBER)
    response = client.post(url(tenant_a, campaign, "expenses/"), {
        "category": "kol_fees", "description": "", "amount": "0", "incurred_on": "2026-03-01",
        "collaboration": elsewhere.pk,
    })  # fmt: skip
    assert response.status_code == 400
    page = body(response)
    assert page.count('class="field field--error"') == 3  # category, description, creator
    assert '<details class="mt-4" id="expense-compose" open>' in page
    response = client.post(url(tenant_a, campaign, "expenses/"), {
        "category": "other", "description": "Venue", "amount": "-5", "incurred_on": "2026-03-01",
    })  # fmt: skip
    assert response.status_code == 400
    amount_field = body(response).split('name="amount"')[1].split("</div>\n</div>")[0]
    assert "more than 0" in amount_field
    with tenant_a.context():
        assert not CampaignExpense.objects.exists()


def test_mark_paid_edit_and_delete_only_while_committed(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
    row = record(tenant_a, campaign)
    gone = record(tenant_a, campaign, description="Booked twice", category="other")
    client = tenant_a.client(Role.MEMBER)
    edit = client.get(url(tenant_a, campaign, f"expenses/{row.pk}/"))
    assert edit.status_code == 200 and 'value="Spark Ads on the reel"' in body(edit)
    bad = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/"), {
        "category": "other", "description": "Boost", "amount": "0", "incurred_on": "2026-03-01"})  # fmt: skip
    assert bad.status_code == 400 and "more than 0" in body(bad)
    saved = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/"), {
        "category": "other", "description": "Boost, corrected", "amount": "275",
        "incurred_on": "2026-03-01"})  # fmt: skip
    assert saved.status_code == 302
    assert client.post(url(tenant_a, campaign, f"expenses/{gone.pk}/delete/")).status_code == 302
    no_ref = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/paid/"), {"reference": ""},
                         follow=True)  # fmt: skip
    assert "Give the payment reference" in body(no_ref)
    paid = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/paid/"),
                       {"reference": "INV-204", "paid_on": "2026-03-03"}, follow=True)  # fmt: skip
    assert "marked paid" in body(paid) and "INV-204" in body(paid)
    with tenant_a.context():
        row.refresh_from_db()
        assert not CampaignExpense.objects.filter(pk=gone.pk).exists()
    assert (row.status, row.amount, row.description) == (
        ExpenseStatus.PAID,
        Decimal("275.00"),
        "Boost, corrected",
    )
    # Paid: no more edit / delete / mark-paid buttons, and the routes refuse.
    page = body(client.get(url(tenant_a, campaign)))
    assert f"expenses/{row.pk}/delete/" not in page and f"expenses/{row.pk}/paid/" not in page
    refused = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/delete/"), follow=True)
    assert "cannot be deleted" in body(refused)
    refused = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/"), {
        "category": "other", "description": "Sneaky", "amount": "1", "incurred_on": "2026-03-01"})  # fmt: skip
    assert refused.status_code == 400 and "cannot be changed" in body(refused)
    again = client.post(url(tenant_a, campaign, f"expenses/{row.pk}/paid/"),
                        {"reference": "INV-999"}, follow=True)  # fmt: skip
    assert "already recorded as paid" in body(again)
    with tenant_a.context():
        row.refresh_from_db()
    assert (row.description, row.paid_reference) == ("Boost, corrected", "INV-204")


def test_descriptions_and_references_are_escaped(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    row = record(tenant_a, campaign, description=XSS)
    with tenant_a.context():
        services.expense_mark_paid(organization=tenant_a.organization, expense=row,
                                   reference="<b>INV</b><script>x()</script>")  # fmt: skip
    page = body(tenant_a.client().get(url(tenant_a, campaign)))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>x()" not in page and "&lt;b&gt;INV&lt;/b&gt;" in page


def test_viewers_see_the_list_but_cannot_write(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    row = record(tenant_a, campaign)
    viewer = tenant_a.client(Role.VIEWER)
    page = body(viewer.get(url(tenant_a, campaign)))
    assert "Spark Ads on the reel" in page
    assert "Add expense" not in page and "Mark paid" not in page
    assert f"expenses/{row.pk}/delete/" not in page
    form = {"category": "other", "description": "x", "amount": "1", "incurred_on": "2026-03-01"}
    assert viewer.post(url(tenant_a, campaign, "expenses/"), form).status_code == 403
    assert viewer.post(url(tenant_a, campaign, f"expenses/{row.pk}/paid/"),
                       {"reference": "R"}).status_code == 403  # fmt: skip
    assert viewer.post(url(tenant_a, campaign, f"expenses/{row.pk}/delete/")).status_code == 403
    assert viewer.post(url(tenant_a, campaign, f"expenses/{row.pk}/"), form).status_code == 403
    with tenant_a.context():
        assert CampaignExpense.objects.get().status == ExpenseStatus.COMMITTED


def test_another_organizations_campaign_and_expense_are_404(tenant_a, tenant_b):
    with tenant_b.context():
        foreign_campaign = make_campaign(tenant_b.organization)
    foreign = record(tenant_b, foreign_campaign, description="Foreign secret boost")
    with tenant_a.context():
        mine = make_campaign(tenant_a.organization)
    client = tenant_a.client()
    form = {"category": "other", "description": "x", "amount": "1", "incurred_on": "2026-03-01"}
    assert client.post(url(tenant_a, foreign_campaign, "expenses/"), form).status_code == 404
    for suffix in (f"expenses/{foreign.pk}/", f"expenses/{foreign.pk}/paid/",
                   f"expenses/{foreign.pk}/delete/"):  # fmt: skip
        assert client.post(url(tenant_a, foreign_campaign, suffix),
                           {**form, "reference": "R"}).status_code == 404  # fmt: skip
        # Through our own campaign's URL too: the expense is looked up inside it.
        assert client.post(url(tenant_a, mine, suffix),
                           {**form, "reference": "R"}).status_code == 404  # fmt: skip
    assert client.get(url(tenant_a, mine, f"expenses/{foreign.pk}/")).status_code == 404
    with tenant_b.context():
        foreign.refresh_from_db()
    assert foreign.status == ExpenseStatus.COMMITTED and foreign.description == (
        "Foreign secret boost"
    )
    with tenant_a.context():
        assert not CampaignExpense.objects.exists()


def test_an_expense_of_another_campaign_is_404_through_this_one(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign, other = make_campaign(org), make_campaign(org)
    row = record(tenant_a, other)
    client = tenant_a.client()
    assert client.get(url(tenant_a, campaign, f"expenses/{row.pk}/")).status_code == 404
    assert client.post(url(tenant_a, campaign, f"expenses/{row.pk}/delete/")).status_code == 404
