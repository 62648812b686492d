"""Every read of tracking, one module per concern; touchpoints.py holds links, promo codes,
landing pages and leads."""

from tracking.selectors.touchpoints import (
    click_list,
    landing_page_for_collaboration,
    landing_page_list,
    landing_page_public_get,
    landing_page_queryset,
    landing_page_register_get,
    lead_count_for_collaboration,
    lead_counts_by_collaboration,
    lead_list,
    lead_queryset,
    promo_code_get,
    promo_code_list,
    promo_code_queryset,
    tracking_link_get,
    tracking_link_list,
)

__all__ = [
    "promo_code_queryset",
    "promo_code_list",
    "promo_code_get",
    "landing_page_queryset",
    "landing_page_list",
    "landing_page_for_collaboration",
    "landing_page_register_get",
    "landing_page_public_get",
    "lead_queryset",
    "lead_list",
    "lead_count_for_collaboration",
    "lead_counts_by_collaboration",
    "tracking_link_list",
    "tracking_link_get",
    "click_list",
]
