"""Campaigns' data, one module per concern: campaigns and the pipeline (campaigns.py),
offers (offers.py), the payment ledger (payments.py), creator portal access
(portal.py), briefs with content review (content.py), outreach (outreach.py),
shipping (shipping.py) and campaign expenses (expenses.py). Import from here:
`from campaigns.models import Offer`."""

from campaigns.models.campaigns import (
    METRIC_UNITS,
    OBJECTIVE_METRICS,
    BudgetCategory,
    BudgetLine,
    Campaign,
    CampaignProduct,
    CampaignStatus,
    ChecklistTick,
    Collaboration,
    KpiTarget,
    Metric,
    Objective,
    StageChange,
    metric_unit,
)
from campaigns.models.content import (
    FIGURES,
    Brief,
    BriefAcknowledgement,
    BriefAsset,
    BriefVersion,
    ContentDeliverable,
    ContentSubmission,
    DeliverableStatus,
    FigureSource,
    LivePost,
    SubmissionStatus,
)
from campaigns.models.expenses import EXPENSE_CATEGORIES, CampaignExpense, ExpenseStatus
from campaigns.models.offers import (
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OfferStatus,
    PaymentTrigger,
    Side,
)
from campaigns.models.outreach import (
    FollowUpPlan,
    MessageKind,
    OutreachMessage,
    PitchTemplate,
    TemplateKind,
)
from campaigns.models.payments import PaymentItem, PaymentKind, PaymentStatus
from campaigns.models.portal import PortalAccountLink, PortalClaim, PortalToken
from campaigns.models.shipping import (
    Carrier,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentNudge,
    ShipmentStatus,
    ShippingAddress,
    TrackingWebhookEndpoint,
    TrackingWebhookLog,
    WebhookOutcome,
)

__all__ = [
    "METRIC_UNITS", "OBJECTIVE_METRICS", "BudgetCategory", "BudgetLine", "Campaign",
    "CampaignProduct", "CampaignStatus", "ChecklistTick", "Collaboration", "KpiTarget",
    "Metric", "Objective", "StageChange", "metric_unit",
    "Offer", "OfferDeliverable", "OfferGift", "OfferInstallment", "OfferStatus",
    "PaymentTrigger", "Side",
    "PaymentItem", "PaymentKind", "PaymentStatus",
    "PortalAccountLink", "PortalClaim", "PortalToken",
    "Carrier", "EventSource", "Shipment", "ShipmentEvent", "ShipmentItem", "ShipmentNudge",
    "ShipmentStatus", "ShippingAddress", "TrackingWebhookEndpoint", "TrackingWebhookLog",
    "WebhookOutcome",
    "FollowUpPlan", "MessageKind", "OutreachMessage", "PitchTemplate", "TemplateKind",
    "FIGURES", "Brief", "BriefAcknowledgement", "BriefAsset", "BriefVersion",
    "ContentDeliverable", "ContentSubmission", "DeliverableStatus", "FigureSource", "LivePost",
    "SubmissionStatus",
    "EXPENSE_CATEGORIES", "CampaignExpense", "ExpenseStatus",
]  # fmt: skip
