"""Issue 5, terms as data put to work: a completed contract's deliverable due dates
become the collaboration's deliverables' (campaigns' per-piece rows from the offer)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns.models import ContentDeliverable
from campaigns.selectors import organization_today
from tests.campaigns.factories import agreed_collaboration
from tests.contracts.factories import make_contract, sign_brand, sign_creator

pytestmark = pytest.mark.django_db


def dates(collaboration) -> list[tuple[str, str, int]]:
    rows = ContentDeliverable.objects.filter(collaboration=collaboration)
    return sorted((r.platform, r.kind, (r.due_date - organization_today(r.organization)).days)
                  for r in rows)  # fmt: skip


def test_signing_the_contract_dates_the_deliverables(tenant_a):
    org = tenant_a.organization
    today = organization_today(org)
    with tenant_a.context():
        collaboration = agreed_collaboration(org, deliverables=[
            {"platform": "instagram", "kind": "reel", "quantity": 2,
             "due_date": today + timedelta(days=20)},
            {"platform": "tiktok", "kind": "video", "quantity": 1,
             "due_date": today + timedelta(days=40)},
        ])  # fmt: skip
        assert dates(collaboration) == [("instagram", "reel", 20), ("instagram", "reel", 20),
                                        ("tiktok", "video", 40)]  # fmt: skip
        # The contract (rows typed "Reel", "Video") moves them to +14 and +30 days.
        contract = make_contract(tenant_a, collaboration=collaboration, send=True, start=today)
        sign_brand(tenant_a, contract)
        assert dates(collaboration)[0][2] == 20  # not before every party signed
        sign_creator(tenant_a, contract)
        assert dates(collaboration) == [("instagram", "reel", 14), ("instagram", "reel", 14),
                                        ("tiktok", "video", 30)]  # fmt: skip


def test_pieces_the_contract_does_not_name_keep_their_dates(tenant_a):
    org = tenant_a.organization
    today = organization_today(org)
    with tenant_a.context():
        collaboration = agreed_collaboration(org, deliverables=[
            {"platform": "instagram", "kind": "reel", "quantity": 3,
             "due_date": today + timedelta(days=20)},
            {"platform": "youtube", "kind": "video", "quantity": 1,
             "due_date": today + timedelta(days=25)},
        ])  # fmt: skip
        contract = make_contract(tenant_a, collaboration=collaboration, send=True, start=today)
        sign_brand(tenant_a, contract)
        sign_creator(tenant_a, contract)
        # Two of the three reels are in the contract; the YouTube video and the tiktok
        # row match nothing of the other.
        assert dates(collaboration) == [("instagram", "reel", 14), ("instagram", "reel", 14),
                                        ("instagram", "reel", 20), ("youtube", "video", 25)]  # fmt: skip
