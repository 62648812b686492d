"""Brand-side tracking pages, one module per concern; touchpoints.py holds links, promo
codes, landing pages and leads."""

from tracking.views.dashboard import CampaignResultsView
from tracking.views.touchpoints import (
    CampaignTrackingView,
    LandingPageCreateView,
    LeadExportView,
    LeadListView,
    PromoCodeActiveView,
    PromoCodeCreateView,
    TrackingLinkCreateView,
    TrackingLinkDeleteView,
    TrackingLinkMixin,
    TrackingLinkQrView,
    landing_page_form,
    promo_code_form,
    redirect_view,
)

__all__ = [
    "CampaignResultsView",
    "promo_code_form",
    "landing_page_form",
    "CampaignTrackingView",
    "PromoCodeCreateView",
    "PromoCodeActiveView",
    "LandingPageCreateView",
    "LeadListView",
    "LeadExportView",
    "redirect_view",
    "TrackingLinkCreateView",
    "TrackingLinkMixin",
    "TrackingLinkDeleteView",
    "TrackingLinkQrView",
]
