"""Every write to campaigns, one module per concern: campaigns with their products, KPI
targets, budget and checklist (campaigns.py); the collaboration pipeline
(collaborations.py); offers and negotiation (offers.py); the payment ledger
(payments.py); creator portal access (portal.py); the creative brief (briefs.py) and
content review (content.py); outreach (outreach.py); shipping (shipping.py); campaign
expenses (expenses.py). Each service is one transaction, takes the organization first,
and checks that every row it links belongs to it. Import from here:
`from campaigns import services; services.offer_accept(...)`."""

from campaigns.services.briefs import (
    brief_acknowledge,
    brief_asset_add,
    brief_asset_remove,
    brief_publish,
    brief_save,
)
from campaigns.services.campaigns import (
    budget_lines_set,
    campaign_create,
    campaign_delete,
    campaign_learnings_set,
    campaign_update,
    checklist_tick,
    checklist_untick,
    kpi_targets_set,
    products_set,
)
from campaigns.services.collaborations import (
    AddResult,
    collaboration_assign,
    collaboration_remove,
    collaboration_transition,
    collaborations_add,
)
from campaigns.services.content import (
    deliverable_due_date_set,
    deliverables_create,
    figures_parse,
    live_post_submit,
    live_post_verify,
    submission_create,
    submission_review,
)
from campaigns.services.expenses import (
    expense_create,
    expense_delete,
    expense_mark_paid,
    expense_update,
)
from campaigns.services.offers import (
    offer_accept,
    offer_counter,
    offer_decline,
    offer_propose,
    offer_withdraw,
    terms_parse,
)
from campaigns.services.outreach import (
    follow_up_plan_set,
    follow_ups_send_due,
    message_post_brand,
    message_post_creator,
    messages_mark_read,
    outreach_email_send,
    pitch_record,
    pitch_send,
    pitch_template_create,
    pitch_template_delete,
    pitch_template_update,
    pitch_templates_ensure_defaults,
)
from campaigns.services.payments import (
    TRIGGER_STAGES,
    ledger_generate,
    payment_mark_paid,
    payments_trigger,
)
from campaigns.services.portal import (
    PortalTokenInvalid,
    portal_claim,
    portal_claim_remove,
    portal_link,
    portal_token_issue,
    portal_token_resolve,
    portal_token_revoke,
)
from campaigns.services.shipping import (
    address_set,
    campaign_nudge_days_set,
    seeding_nudges_send,
    shipment_create,
    shipment_status_set,
    tracking_endpoint_issue,
    tracking_events_apply,
)

__all__ = [
    "budget_lines_set", "campaign_create", "campaign_delete", "campaign_learnings_set",
    "campaign_update", "checklist_tick", "checklist_untick", "kpi_targets_set", "products_set",
    "AddResult", "collaboration_assign", "collaboration_remove", "collaboration_transition",
    "collaborations_add",
    "offer_accept", "offer_counter", "offer_decline", "offer_propose", "offer_withdraw",
    "terms_parse",
    "TRIGGER_STAGES", "ledger_generate", "payment_mark_paid",
    "payments_trigger",
    "PortalTokenInvalid", "portal_claim", "portal_claim_remove", "portal_link",
    "portal_token_issue", "portal_token_resolve", "portal_token_revoke",
    "address_set", "campaign_nudge_days_set", "seeding_nudges_send", "shipment_create",
    "shipment_status_set", "tracking_endpoint_issue", "tracking_events_apply",
    "follow_up_plan_set", "follow_ups_send_due", "message_post_brand", "message_post_creator",
    "messages_mark_read", "outreach_email_send", "pitch_record", "pitch_send",
    "pitch_template_create", "pitch_template_delete", "pitch_template_update",
    "pitch_templates_ensure_defaults",
    "brief_acknowledge", "brief_asset_add", "brief_asset_remove", "brief_publish", "brief_save",
    "deliverable_due_date_set", "deliverables_create", "figures_parse", "live_post_submit",
    "live_post_verify", "submission_create", "submission_review",
    "expense_create", "expense_delete", "expense_mark_paid", "expense_update",
]  # fmt: skip
