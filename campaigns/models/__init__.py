"""Campaigns' data, one module per concern: campaigns and the pipeline (campaigns.py),
offers (offers.py), the payment ledger (payments.py), creator portal access
(portal.py), and briefs with content review (content.py). Import from here:
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
from campaigns.models.offers import (
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OfferStatus,
    PaymentTrigger,
    Side,
)
from campaigns.models.payments import PaymentItem, PaymentKind, PaymentStatus
from campaigns.models.portal import PortalAccountLink, PortalClaim, PortalToken

__all__ = [
    "METRIC_UNITS", "OBJECTIVE_METRICS", "BudgetCategory", "BudgetLine", "Campaign",
    "CampaignProduct", "CampaignStatus", "ChecklistTick", "Collaboration", "KpiTarget",
    "Metric", "Objective", "StageChange", "metric_unit",
    "Offer", "OfferDeliverable", "OfferGift", "OfferInstallment", "OfferStatus",
    "PaymentTrigger", "Side",
    "PaymentItem", "PaymentKind", "PaymentStatus",
    "PortalAccountLink", "PortalClaim", "PortalToken",
    "FIGURES", "Brief", "BriefAcknowledgement", "BriefAsset", "BriefVersion",
    "ContentDeliverable", "ContentSubmission", "DeliverableStatus", "FigureSource", "LivePost",
    "SubmissionStatus",
]  # fmt: skip
