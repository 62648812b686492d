"""Tracking routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from tracking import api
from tracking.api_urls_metrics import urlpatterns as metrics_urlpatterns

urlpatterns = [
    path(
        "promo-codes/",
        api.PromoCodeApi.as_view({"get": "list", "post": "create"}),
        name="api_promo_code_list",
    ),
    path(
        "promo-codes/<int:promo_code_id>/",
        api.PromoCodeApi.as_view({"get": "retrieve"}),
        name="api_promo_code_detail",
    ),
    path(
        "promo-codes/<int:promo_code_id>/active/",
        api.PromoCodeApi.as_view({"post": "set_active"}),
        name="api_promo_code_active",
    ),
    path(
        "landing-pages/",
        api.LandingPageApi.as_view({"get": "list", "post": "create"}),
        name="api_landing_page_list",
    ),
    path(
        "landing-pages/<int:landing_page_id>/",
        api.LandingPageApi.as_view({"get": "retrieve"}),
        name="api_landing_page_detail",
    ),
    path("leads/", api.LeadApi.as_view({"get": "list"}), name="api_lead_list"),
    path("leads/<int:lead_id>/", api.LeadApi.as_view({"get": "retrieve"}), name="api_lead_detail"),
    path(
        "campaigns/<int:campaign_id>/leads.csv",
        api.LeadApi.as_view({"get": "export"}),
        name="api_campaign_leads_csv",
    ),
    path("tracking-links/", api.TrackingLinkApi.as_view({"get": "list", "post": "create"}),
         name="api_tracking_link_list"),
    path("tracking-links/<int:link_id>/",
         api.TrackingLinkApi.as_view({"get": "retrieve", "delete": "destroy"}),
         name="api_tracking_link_detail"),
    path("clicks/", api.ClickApi.as_view({"get": "list"}), name="api_click_list"),
    # Content metrics and share of voice (tracking.api.metrics).
    *metrics_urlpatterns,
]  # fmt: skip
