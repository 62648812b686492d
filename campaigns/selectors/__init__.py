"""Reads shared by the campaign pages, the API, the portal and the creators pages, one
module per concern: campaigns, budget and checklist (campaigns.py); the pipeline
(collaborations.py); offers (offers.py); the payment ledger (payments.py); creator
portal access (portal.py); outreach (outreach.py). Each takes the organization first
and returns its rows only.
Import from here: `from campaigns import selectors`."""

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
from campaigns.selectors.offers import (
    OfferVersion,
    offer_diff,
    offer_get,
    offer_history,
    offer_on_table,
    offer_queryset,
)
from campaigns.selectors.outreach import (
    OutreachSummary,
    PitchDraft,
    follow_up_plan_get,
    merge_values,
    outreach_summary,
    outreach_thread,
    pitch_candidates,
    pitch_drafts,
    pitch_template_default,
    pitch_template_get,
    pitch_template_list,
    unread_count,
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
from campaigns.selectors.shipping import (
    SeedingFunnel,
    address_get,
    address_queryset,
    collaboration_shipments,
    seeding_funnel,
    shipment_event_queryset,
    shipment_get,
    shipment_queryset,
    tracking_endpoint_find,
    tracking_endpoint_list,
    webhook_log_list,
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
    "SeedingFunnel", "address_get", "address_queryset", "collaboration_shipments",
    "seeding_funnel", "shipment_event_queryset", "shipment_get", "shipment_queryset",
    "tracking_endpoint_find", "tracking_endpoint_list", "webhook_log_list",
    "OutreachSummary", "PitchDraft", "follow_up_plan_get", "merge_values", "outreach_summary",
    "outreach_thread", "pitch_candidates", "pitch_drafts", "pitch_template_default",
    "pitch_template_get", "pitch_template_list", "unread_count",
]  # fmt: skip
