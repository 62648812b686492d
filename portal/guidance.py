"""What a creator should do next in each collaboration, in the creator's words. The
portal's home lists collaborations with this line; `needs_you` puts a collaboration
that waits on the creator first."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Collaboration, Side
from campaigns.pipeline import Stage
from campaigns.services.briefs import ACKNOWLEDGEABLE

WAITING = {
    Stage.INVITED: "{brand} is preparing an offer for you.",
    Stage.NEGOTIATING: "{brand} is preparing its next offer.",
    Stage.AGREED: "Terms agreed: the contract comes next.",
    Stage.CONTRACTED: "Contract signed: the product ships next.",
    Stage.PRODUCT_SHIPPED: "The product is on its way: time to create.",
    Stage.CONTENT_IN_REVIEW: "{brand} is reviewing your content.",
    Stage.APPROVED: "Content approved: publish it as agreed.",
    Stage.PUBLISHED: "Published: payments follow the agreed schedule.",
    Stage.PAID: "Paid in full. Thank you!",
    Stage.DECLINED: "You declined this collaboration.",
    Stage.CANCELLED: "This collaboration was cancelled.",
}


# Product ships once terms are agreed (campaigns.services.shipping): from then on, a
# missing address is what the creator can do something about.
ADDRESS_NEEDED = frozenset({Stage.AGREED, Stage.CONTRACTED})


@dataclass(frozen=True)
class NextAction:
    text: str
    needs_you: bool = False


def next_action(collaboration: Collaboration, brand: str) -> NextAction:
    """From portal_collaboration_queryset's rows (with `open_offers`, and
    `contract_to_sign` set by portal.views.contracts.mark_contracts_to_sign)."""
    contract = getattr(collaboration, "contract_to_sign", None)
    if contract is not None:
        return NextAction(f"Sign the contract: {brand} is waiting for your signature on "
                          f"version {contract.version}.", True)  # fmt: skip
    offers = getattr(collaboration, "open_offers", None) or []
    if offers:
        offer = offers[0]
        if offer.proposed_by == Side.BRAND:
            return NextAction(
                f"Offer v{offer.version} is waiting for you: accept, counter or decline.", True
            )
        return NextAction(f"{brand} is considering your counter-offer v{offer.version}.")
    if (
        collaboration.stage in ADDRESS_NEEDED
        and getattr(collaboration, "has_address", True) is False
    ):
        return NextAction(f"Give your shipping address so {brand} can send the product.", True)
    # Content review (campaigns.selectors.portal annotates these).
    if getattr(collaboration, "changes_requested", False):
        return NextAction(f"{brand} asked for changes to a draft: see the feedback and "
                          "resubmit.", True)  # fmt: skip
    if (getattr(collaboration, "latest_brief_id", None) and not collaboration.brief_read
            and collaboration.stage in ACKNOWLEDGEABLE):  # fmt: skip
        return NextAction(f"{brand} shared a creative brief: read it and acknowledge it.", True)
    template = WAITING.get(collaboration.stage, "")
    return NextAction(template.format(brand=brand))
