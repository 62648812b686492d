"""The portal shows a creator their own promo code, landing page and sign-up count, and
nothing of another creator's (of the same organization, through the same page)."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.pipeline import Stage
from tests.campaigns.factories import full_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.portal.factories import portal_for
from tracking import services
from tracking.services import LeadInput

pytestmark = pytest.mark.django_db


def test_portal_shows_own_code_page_and_leads_only(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org)
        mine = make_collaboration(
            org, campaign, creator=make_creator(org, name="Ana Ruiz"), stage=Stage.INVITED
        )
        theirs = make_collaboration(
            org, campaign, creator=make_creator(org, name="Bo Other"), stage=Stage.INVITED
        )
        services.promo_code_create(org, collaboration=mine, code="ANA15")
        services.promo_code_create(org, collaboration=theirs, code="BOSECRET")
        off = services.promo_code_create(org, collaboration=mine, code="ANAOLD")
        services.promo_code_active_set(org, promo_code=off, active=False)
        page = services.landing_page_create(org, collaboration=mine, headline="Hi", slug="ana-hi")
        services.landing_page_create(org, collaboration=theirs, headline="Yo", slug="bo-secret")
        services.lead_submit(org, landing_page=page,
                             data=LeadInput(name="L", email="l@example.com", consent=True))  # fmt: skip
    portal = portal_for(tenant_a, mine.creator)
    body = Client().get(portal.collaboration(mine)).content.decode()
    assert 'data-code="ANA15"' in body and "/l/ana-hi/" in body
    assert "data-lead-count>1<" in body
    for other in ("BOSECRET", "bo-secret", "ANAOLD"):
        assert other not in body
    # Another creator's collaboration through this creator's link: not found.
    assert Client().get(portal.collaboration(theirs)).status_code == 404
