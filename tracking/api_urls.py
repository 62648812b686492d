"""Tracking routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from tracking import api
from tracking.api import results as results_api
from tracking.api.order_imports import OrderImportApi
from tracking.api.stores import StoreConnectionApi
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
    path("campaigns/<int:campaign_id>/dashboard/", api.CampaignDashboardApi.as_view(),
         name="api_campaign_dashboard"),
    path("stores/", StoreConnectionApi.as_view({"get": "list", "post": "create"}),
         name="api_store_list"),
    path("stores/<int:store_connection_id>/", StoreConnectionApi.as_view({"get": "retrieve"}),
         name="api_store_detail"),
    path("stores/<int:store_connection_id>/disconnect/",
         StoreConnectionApi.as_view({"post": "disconnect"}), name="api_store_disconnect"),
    path("stores/<int:store_connection_id>/pull/", StoreConnectionApi.as_view({"post": "pull"}),
         name="api_store_pull"),
    path("stores/<int:store_connection_id>/discounts/<int:store_discount_id>/retry/",
         StoreConnectionApi.as_view({"post": "retry_discount"}),
         name="api_store_discount_retry"),
    # Results (tracking.api.results).
    path("creators/<int:creator_id>/results/", results_api.CreatorResultsApi.as_view(),
         name="api_creator_results"),
    path("results/overview/", results_api.OverviewApi.as_view(), name="api_results_overview"),
    path("ledger-entries/", results_api.LedgerEntryApi.as_view({"get": "list"}),
         name="api_ledger_entry_list"),
    path("ledger-entries/<int:entry_id>/", results_api.LedgerEntryApi.as_view({"get": "retrieve"}),
         name="api_ledger_entry_detail"),
    path("conversions/", results_api.ConversionApi.as_view({"get": "list"}),
         name="api_conversion_list"),
    path("conversions/<int:conversion_id>/",
         results_api.ConversionApi.as_view({"get": "retrieve"}), name="api_conversion_detail"),
    path("campaigns/<int:campaign_id>/overlaps/", results_api.OverlapApi.as_view(),
         name="api_campaign_overlaps"),
    path("campaigns/<int:campaign_id>/leak-flags/", results_api.LeakFlagApi.as_view(),
         name="api_campaign_leak_flags"),
    path("order-imports/", OrderImportApi.as_view({"get": "list", "post": "create"}),
         name="api_order_import_list"),
    path("order-imports/<int:order_import_id>/", OrderImportApi.as_view({"get": "retrieve"}),
         name="api_order_import_detail"),
    path("order-imports/<int:order_import_id>/errors.csv",
         OrderImportApi.as_view({"get": "errors"}), name="api_order_import_errors_csv"),
    # Content metrics and share of voice (tracking.api.metrics).
    *metrics_urlpatterns,
]  # fmt: skip
