"""Platform staff edit creators in the admin: accounts and rates inline, and every edit or
deletion refreshes the creator's derived search fields, as the services do."""

from __future__ import annotations

import pytest
from django.test import Client

from creators.models import Creator, SocialAccount
from kolhub.models import User
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(User.objects.create_superuser("staff@platform.test", "pw-for-tests-1"))
    return client


def _creator(tenant):
    with tenant.context():
        creator = make_creator(tenant.organization, accounts=[
            {"platform": "instagram", "handle": "derm_one", "followers": 10_000,
             "engagement_rate": "3.0"},
        ])  # fmt: skip
        return creator, creator.accounts.get()


def _followers(tenant, creator) -> int:
    with tenant.context():
        return Creator.objects.get(pk=creator.pk).followers


def test_an_account_edited_in_the_admin_refreshes_the_creators_figures(tenant_a, staff):
    creator, account = _creator(tenant_a)
    assert _followers(tenant_a, creator) == 10_000
    page = staff.get(f"/admin/creators/socialaccount/{account.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"creator": creator.pk, "organization": tenant_a.organization.pk,
                 "followers": 250_000, "audience_countries": "{}", "audience_ages": "{}",
                 "audience_gender": "{}", "audience_interests": "{}", "brands_mentioned": "[]",
                 "provenance": "{}"})  # fmt: skip
    response = staff.post(f"/admin/creators/socialaccount/{account.pk}/change/", data)
    assert response.status_code == 302, page.context and response.content.decode()[:2000]
    assert _followers(tenant_a, creator) == 250_000


def test_an_account_deleted_in_the_admin_leaves_the_creator_without_its_figures(tenant_a, staff):
    creator, account = _creator(tenant_a)
    response = staff.post(f"/admin/creators/socialaccount/{account.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with tenant_a.context():
        assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert _followers(tenant_a, creator) == 0


def test_the_creator_page_in_the_admin_edits_accounts_inline(tenant_a, staff):
    creator, account = _creator(tenant_a)
    page = staff.get(f"/admin/creators/creator/{creator.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "derm_one" in body and 'name="accounts-0-followers"' in body


def test_accounts_deleted_in_bulk_refresh_their_creators_once(tenant_a, staff):
    creator, account = _creator(tenant_a)
    response = staff.post("/admin/creators/socialaccount/", {
        "action": "delete_selected", "_selected_action": [account.pk], "post": "yes"})  # fmt: skip
    assert response.status_code == 302
    with tenant_a.context():
        assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert _followers(tenant_a, creator) == 0


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[form.add_prefix(name)] = value
    return data


def _change_data(page) -> dict:
    """What the admin change page would post back unchanged: the form and its inlines."""
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data


def _stamp_imported(tenant, account):
    with tenant.context():
        SocialAccount.objects.filter(pk=account.pk).update(provenance={
            "followers": {"source": "import", "at": "2026-01-01T00:00:00+00:00"},
            "engagement_rate": {"source": "api", "at": "2026-01-02T00:00:00+00:00"},
        })  # fmt: skip


def _account(tenant, account) -> SocialAccount:
    with tenant.context():
        return SocialAccount.objects.get(pk=account.pk)


def test_an_account_saved_in_the_admin_stamps_what_changed_manual(tenant_a, staff):
    creator, account = _creator(tenant_a)
    _stamp_imported(tenant_a, account)
    change = f"/admin/creators/socialaccount/{account.pk}/change/"
    data = _change_data(staff.get(change))
    response = staff.post(
        change, {**data, "followers": "12000", "audience_countries": '{"us": 60}'}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = _account(tenant_a, account)
    assert saved.followers == 12_000 and saved.audience_countries == {"US": 60}
    assert saved.provenance["followers"]["source"] == "manual"
    assert saved.provenance["audience_countries"]["source"] == "manual"
    assert saved.provenance["engagement_rate"]["source"] == "api"  # unchanged, kept


def test_the_admin_refuses_bad_shares_and_another_organizations_creator(tenant_a, tenant_b, staff):
    creator, account = _creator(tenant_a)
    change = f"/admin/creators/socialaccount/{account.pk}/change/"
    data = _change_data(staff.get(change))
    for figures, field in (
        ({"audience_countries": '{"US": 80, "GB": 40}'}, "audience_countries"),
        ({"audience_ages": '{"25-34": 120}'}, "audience_ages"),
        ({"engagement_rate": "150"}, "engagement_rate"),
        ({"followers": "-5"}, "followers"),
    ):
        response = staff.post(change, {**data, **figures})
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors, figures
    other, _ = _creator(tenant_b)
    response = staff.post(change, {**data, "creator": other.pk})
    assert response.status_code == 200
    assert "another organization" in str(response.context["adminform"].form.errors["creator"])
    assert _account(tenant_a, account).creator_id == creator.pk


def test_accounts_edited_inline_go_through_the_account_rules(tenant_a, staff):
    creator, account = _creator(tenant_a)
    _stamp_imported(tenant_a, account)
    change = f"/admin/creators/creator/{creator.pk}/change/"
    data = _change_data(staff.get(change))
    bad = staff.post(change, {**data, "accounts-0-engagement_rate": "150"})
    assert bad.status_code == 200
    assert _account(tenant_a, account).engagement_rate == 3
    response = staff.post(change, {**data, "accounts-0-followers": "20000"})
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = _account(tenant_a, account)
    assert saved.followers == 20_000 and saved.provenance["followers"]["source"] == "manual"
    assert saved.provenance["engagement_rate"]["source"] == "api"
    assert _followers(tenant_a, creator) == 20_000
