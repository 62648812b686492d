"""What contracts tells campaigns about a creator (campaigns.warnings, registered in
ContractsConfig.ready()): an exclusivity conflict when a creator under an exclusive
window for a category is offered, or added to, another campaign in that category.
A warning, not a block: the brand may still offer."""

from __future__ import annotations

from django.urls import reverse

from campaigns.warnings import CreatorWarning, WarningQuery
from contracts import selectors


def exclusivity_warnings(query: WarningQuery) -> list[CreatorWarning]:
    conflicts = selectors.exclusivity_conflicts(
        organization=query.organization,
        creator_ids=query.creator_ids,
        categories=query.categories,
        start=query.start,
        end=query.end,
        exclude_campaign_id=query.campaign.pk,
    )
    slug = query.organization.slug
    return [
        CreatorWarning(
            kind="exclusivity",
            creator_id=conflict.contract.collaboration.creator_id,
            title="Exclusivity conflict",
            message=conflict.message,
            url=reverse("contract_detail", args=[slug, conflict.contract.pk]),
            record_id=conflict.contract.pk,
            categories=conflict.categories,
            ends_on=conflict.end,
        )
        for conflict in conflicts
    ]
