"""Organization A's creators, accounts, rates, lists, saved searches and notes for the
cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from creators import services
from creators.models import CreatorList, SavedSearch
from kolhub.models import Role


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        creator = services.creator_create(
            organization=org,
            data={"name": "Dr Zebracorn Secretname", "role": "kol", "credentials": "MD",
                  "email": "secret-creator@zebra.test", "niches": ["skincare"]},
            accounts=[{"platform": "instagram", "handle": "zebracorn_secret_handle",
                       "followers": 15000, "engagement_rate": "4.2",
                       "audience_countries": {"US": 60}}],
            rates={"post": "1200"},
        )  # fmt: skip
        creator_list: CreatorList = services.list_create(
            organization=org, name="Zebracorn secret shortlist", created_by=owner
        )
        services.list_add_creators(
            organization=org, creator_list=creator_list, creator_ids=[creator.pk], added_by=owner
        )
        search: SavedSearch = services.saved_search_save(
            organization=org, name="Zebracorn saved search", query={"q": "derm"}, created_by=owner
        )
        services.note_add(
            organization=org, creator=creator, author=owner, text="Zebracorn private note"
        )
        account = creator.accounts.get()
    assert tenant.memberships[Role.OWNER]
    return {
        "creator_id": creator.pk,
        "account_id": account.pk,
        "list_id": creator_list.pk,
        "search_id": search.pk,
        "secrets": [
            "Dr Zebracorn Secretname", "secret-creator@zebra.test", "zebracorn_secret_handle",
            "Zebracorn secret shortlist", "Zebracorn saved search", "Zebracorn private note",
        ],
    }  # fmt: skip
