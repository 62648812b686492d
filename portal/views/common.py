"""What every portal page module shares: who the portal acts as, and how a collaboration
and an offer are looked up so that another creator's or organization's is a 404."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from campaigns import selectors
from campaigns.models import Collaboration, Offer

ACTOR = "creator via portal"


def portal_collaboration(portal, collaboration_id: int) -> Collaboration:
    # Another creator's collaboration, a shortlisted one or one of another organization
    # is simply not there: 404, the same as a missing one.
    try:
        return selectors.portal_collaboration_get(
            organization=portal.organization, creator=portal.creator,
            collaboration_id=collaboration_id,
        )  # fmt: skip
    except ObjectDoesNotExist:
        raise Http404("Not found") from None


def portal_offer(portal, collaboration: Collaboration, offer_id: int) -> Offer:
    try:
        return selectors.offer_get(organization=portal.organization, offer_id=offer_id,
                                   collaboration=collaboration)  # fmt: skip
    except ObjectDoesNotExist:
        raise Http404("Not found") from None
