"""A collaboration with a tracking link, built through the services."""

from __future__ import annotations

from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tracking import services


def linked(organization, *, destination="https://shop.example/p?ref=x&utm_source=old",
           role="influencer", handle="zebra_handle", by=None):  # fmt: skip
    campaign = make_campaign(organization, name="Zebracorn link campaign")
    creator = make_creator(organization, role=role, accounts=[
        {"platform": "instagram", "handle": handle, "followers": 10_000}])  # fmt: skip
    collaboration = make_collaboration(organization, campaign, creator=creator)
    link = services.tracking_link_create(organization=organization, collaboration=collaboration,
                                         platform="instagram", destination_url=destination,
                                         by=by)  # fmt: skip
    return collaboration, link
