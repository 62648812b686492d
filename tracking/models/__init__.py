"""Tracking's data, one module per concern: links, clicks, promo codes, landing pages and
leads (touchpoints.py); store connections, orders and the attribution ledger
(conversions.py); content metrics and share of voice (metrics.py); daily rollups
(rollups.py). Import from here: `from tracking.models import Click`."""

from tracking.models.conversions import (
    AttributionEntry,
    ConnectionStatus,
    Conversion,
    ConversionKind,
    ConversionSource,
    CreditRule,
    EntryKind,
    Refund,
    StoreConnection,
    StoreKind,
    WebhookDelivery,
)
from tracking.models.metrics import (
    ENGAGEMENT_FIELDS,
    METRIC_FIELDS,
    ContentMetricPull,
    ContentMetricSnapshot,
    LivePostTranscript,
    MetricSource,
    VoiceKeyword,
)
from tracking.models.postback_imports import (
    POSTBACK_KEY_PREFIX,
    OrderImport,
    OrderImportColumnMapping,
    OrderImportRowError,
    PostbackCredential,
)
from tracking.models.reports import CampaignReport, ReportStatus
from tracking.models.rollups import (
    COUNT_FIELDS,
    MONEY_FIELDS,
    DailyRollup,
    RollupCostWatermark,
    RollupDirtyDay,
)
from tracking.models.stores import (
    StoreDiscount,
    StoreDiscountStatus,
    StoreOrderError,
)
from tracking.models.touchpoints import (
    Click,
    ClickBatch,
    ClickFallback,
    DiscountKind,
    LandingPage,
    LandingPageSlug,
    Lead,
    LinkCode,
    PromoCode,
    TrackingLink,
    UserAgentClass,
)

__all__ = [
    "CampaignReport",
    "ReportStatus",
    "POSTBACK_KEY_PREFIX",
    "OrderImport",
    "OrderImportColumnMapping",
    "OrderImportRowError",
    "PostbackCredential",
    "AttributionEntry",
    "ConnectionStatus",
    "Conversion",
    "ConversionKind",
    "ConversionSource",
    "CreditRule",
    "EntryKind",
    "Refund",
    "StoreConnection",
    "StoreKind",
    "WebhookDelivery",
    "ENGAGEMENT_FIELDS",
    "METRIC_FIELDS",
    "ContentMetricSnapshot",
    "MetricSource",
    "VoiceKeyword",
    "StoreDiscount",
    "StoreDiscountStatus",
    "StoreOrderError",
    "LivePostTranscript",
    "ContentMetricPull",
    "COUNT_FIELDS",
    "MONEY_FIELDS",
    "DailyRollup",
    "RollupDirtyDay",
    "RollupCostWatermark",
    "DiscountKind",
    "PromoCode",
    "LandingPage",
    "LandingPageSlug",
    "Lead",
    "TrackingLink",
    "LinkCode",
    "UserAgentClass",
    "Click",
    "ClickBatch",
    "ClickFallback",
]
