"""A collaboration with a tracking link, built through the services."""

from __future__ import annotations

from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tracking import services

# A phone's user agent: counted as a human click, classed mobile.
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


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
