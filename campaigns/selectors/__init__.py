"""Reads shared by the campaign pages, the API, the portal and the creators pages, one
module per concern: campaigns, budget and checklist (campaigns.py); the pipeline
(collaborations.py); offers (offers.py); the payment ledger (payments.py); creator
portal access (portal.py); the brief and content review (content.py). Each takes the
organization first and returns its rows only. Import from here:
`from campaigns import selectors`."""

from campaigns.selectors.campaigns import (
    BudgetReport,
    BudgetRow,
    Checklist,
    ChecklistItem,
    campaign_budget,
    campaign_checklist,
    campaign_facts,
    campaign_get,
    campaign_list,
    campaign_picker_list,
    campaign_queryset,
    campaign_target,
    stage_counts,
    team,
    team_member,
)
from campaigns.selectors.collaborations import (
    CREATOR_FIELDS,
    BoardColumn,
    collaboration_get,
    collaboration_queryset,
    collaboration_rows,
    collaboration_search,
    creator_collaborations,
    creator_exists,
    pipeline_board,
    stage_history,
)
from campaigns.selectors.content import (
    BriefStatus,
    CreatorBrief,
    DeliverableView,
    brief_acknowledgement_queryset,
    brief_asset_get,
    brief_assets,
    brief_get,
    brief_latest,
    brief_queryset,
    brief_readers,
    brief_version_get,
    brief_version_queryset,
    brief_versions,
    collaboration_content,
    creator_brief,
    deliverable_get,
    deliverable_queryset,
    live_post_get,
    live_post_queryset,
    submission_get,
    submission_queryset,
)
from campaigns.selectors.offers import (
    OfferVersion,
    offer_diff,
    offer_get,
    offer_history,
    offer_on_table,
    offer_queryset,
)
from campaigns.selectors.payments import (
    PAYMENT_FILTERS,
    PaymentSummary,
    collaboration_payments,
    creator_payments,
    organization_today,
    payment_filter,
    payment_get,
    payment_list,
    payment_queryset,
    payment_summary,
)
from campaigns.selectors.portal import (
    AccountBrand,
    portal_account_organizations,
    portal_account_overview,
    portal_account_resolve,
    portal_claim_get,
    portal_collaboration_get,
    portal_collaboration_list,
    portal_token_get,
    portal_token_list,
)

__all__ = [
    "BudgetReport", "BudgetRow", "Checklist", "ChecklistItem", "campaign_budget",
    "campaign_checklist", "campaign_facts", "campaign_get", "campaign_list",
    "campaign_picker_list", "campaign_queryset", "campaign_target", "stage_counts", "team",
    "team_member",
    "CREATOR_FIELDS", "BoardColumn", "collaboration_get", "collaboration_queryset",
    "collaboration_rows", "collaboration_search", "creator_collaborations", "creator_exists",
    "pipeline_board", "stage_history",
    "OfferVersion", "offer_diff", "offer_get", "offer_history", "offer_on_table",
    "offer_queryset",
    "PAYMENT_FILTERS", "PaymentSummary", "collaboration_payments", "creator_payments",
    "organization_today", "payment_filter", "payment_get", "payment_list", "payment_queryset",
    "payment_summary",
    "AccountBrand", "portal_account_organizations", "portal_account_overview",
    "portal_account_resolve", "portal_claim_get", "portal_collaboration_get",
    "portal_collaboration_list", "portal_token_get", "portal_token_list",
    "BriefStatus", "CreatorBrief", "DeliverableView", "brief_acknowledgement_queryset",
    "brief_asset_get", "brief_assets", "brief_get", "brief_latest", "brief_queryset",
    "brief_readers", "brief_version_get", "brief_version_queryset", "brief_versions",
    "collaboration_content", "creator_brief", "deliverable_get", "deliverable_queryset",
    "live_post_get", "live_post_queryset", "submission_get", "submission_queryset",
]  # fmt: skip
