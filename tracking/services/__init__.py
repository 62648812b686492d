"""Every write to tracking, one module per concern; touchpoints.py holds links, promo
codes, landing pages and leads. Import from here: `from tracking import services`."""

from tracking.services.touchpoints import (
    DEFAULT_CONSENT,
    UTM_FIELDS,
    LeadInput,
    landing_page_create,
    lead_submit,
    promo_code_active_set,
    promo_code_create,
    promo_code_suggest,
    tracking_link_code_release,
    tracking_link_create,
    tracking_link_delete,
)

__all__ = [
    "UTM_FIELDS",
    "promo_code_suggest",
    "promo_code_create",
    "promo_code_active_set",
    "DEFAULT_CONSENT",
    "landing_page_create",
    "LeadInput",
    "lead_submit",
    "tracking_link_create",
    "tracking_link_code_release",
    "tracking_link_delete",
]
