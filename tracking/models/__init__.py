"""Tracking's data, one module per concern: links, clicks, promo codes, landing pages and
leads (touchpoints.py); store connections, orders and the attribution ledger
(conversions.py); content metrics and share of voice (metrics.py); daily rollups
(rollups.py). Import from here: `from tracking.models import Click`."""

from tracking.models.touchpoints import (
    Click,
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
    "DiscountKind",
    "PromoCode",
    "LandingPage",
    "LandingPageSlug",
    "Lead",
    "TrackingLink",
    "LinkCode",
    "UserAgentClass",
    "Click",
    "ClickFallback",
]
