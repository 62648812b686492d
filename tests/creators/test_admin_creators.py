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
