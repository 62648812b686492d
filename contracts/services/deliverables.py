"""Terms as data, put to work: the deliverable due dates of a completed contract become
the collaboration's deliverables' (campaigns' ContentDeliverable rows, one per piece,
made from the accepted offer), so the dates the creator signed are the dates the brand's
content review and the portal hold them to."""

from __future__ import annotations

from collections import defaultdict

from campaigns import selectors as campaign_selectors
from campaigns import services as campaign_services
from campaigns.models import ContentDeliverable, DeliverableStatus
from campaigns.selectors import organization_today
from contracts.models import Contract
from kolhub.models import Organization


def deliverables_follow_contract(
    *, organization: Organization, contract: Contract
) -> list[ContentDeliverable]:
    """Give each of the collaboration's deliverables the due date its contract row names;
    returns the ones that moved.

    Rows are matched to pieces by platform and type, in order: the contract's first
    "instagram reel" row of quantity 2 dates the first two instagram reel pieces. A piece
    already live keeps its date (it is history), and a signed date already past is left
    for the brand to settle by hand rather than refused in the middle of a signature."""
    open_pieces: dict[tuple[str, str], list[ContentDeliverable]] = defaultdict(list)
    pieces = (
        campaign_selectors.deliverable_queryset(organization=organization)
        .filter(collaboration_id=contract.collaboration_id)
        .order_by("position", "piece")
    )
    for piece in pieces:
        open_pieces[(piece.platform, piece.kind)].append(piece)
    today = organization_today(organization)
    moved = []
    for row in contract.terms_data.deliverables:
        # A contract's rows are typed in a form ("Reel"); pieces carry the choice ("reel").
        matching = open_pieces[(row.platform.lower(), row.type.lower())]
        for piece in matching[: row.quantity]:
            if (
                piece.due_date != row.due_date
                and piece.status != DeliverableStatus.LIVE
                and row.due_date >= today
            ):
                moved.append(campaign_services.deliverable_due_date_set(
                    organization=organization, deliverable=piece, due_date=row.due_date,
                ))  # fmt: skip
        del matching[: row.quantity]
    return moved
