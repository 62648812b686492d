from django.urls import include, path

from tracking import views
from tracking.urls_metrics import urlpatterns as metrics_urlpatterns
from tracking.views import conversions as conversion_views
from tracking.views import results as result_views
from tracking.views import stores as store_views
from tracking.views.home import TrackingHomeView
from tracking.views.postback import PostbackDocsView, PostbackSettingsView

urlpatterns = [
    # The Tracking home: data sources, campaigns, recent conversions (tracking.views.home).
    path("", TrackingHomeView.as_view(), name="tracking_index"),
    # Promo codes, landing pages and leads of one campaign.
    path(
        "campaigns/<int:campaign_id>/",
        views.CampaignTrackingView.as_view(),
        name="campaign_tracking",
    ),
    path(
        "campaigns/<int:campaign_id>/codes/",
        views.PromoCodeCreateView.as_view(),
        name="promo_code_create",
    ),
    path(
        "campaigns/<int:campaign_id>/codes/<int:promo_code_id>/active/",
        views.PromoCodeActiveView.as_view(),
        name="promo_code_active",
    ),
    path(
        "campaigns/<int:campaign_id>/landing-pages/",
        views.LandingPageCreateView.as_view(),
        name="landing_page_create",
    ),
    # The Results tab: KPI tiles, targets, charts, leaderboard (tracking.views.dashboard).
    path(
        "campaigns/<int:campaign_id>/results/",
        views.CampaignResultsView.as_view(),
        name="campaign_results",
    ),
    path("campaigns/<int:campaign_id>/leads/", views.LeadListView.as_view(), name="campaign_leads"),
    path(
        "campaigns/<int:campaign_id>/leads.csv",
        views.LeadExportView.as_view(),
        name="campaign_leads_export",
    ),
    # Tracking links: a section on the collaboration page (tracking.templatetags).
    path(
        "campaigns/<int:campaign_id>/collaborations/<int:collaboration_id>/links/",
        views.TrackingLinkCreateView.as_view(),
        name="tracking_link_create",
    ),
    path(
        "links/<int:link_id>/delete/",
        views.TrackingLinkDeleteView.as_view(),
        name="tracking_link_delete",
    ),
    # Store connections (Shopify): settings for brand admins.
    path("stores/", store_views.StoreListView.as_view(), name="store_list"),
    path(
        "stores/<int:store_connection_id>/",
        store_views.StoreDetailView.as_view(),
        name="store_detail",
    ),
    path(
        "stores/<int:store_connection_id>/disconnect/",
        store_views.StoreDisconnectView.as_view(),
        name="store_disconnect",
    ),
    path(
        "stores/<int:store_connection_id>/pull/",
        store_views.StorePullView.as_view(),
        name="store_pull",
    ),
    path(
        "stores/<int:store_connection_id>/discounts/<int:store_discount_id>/retry/",
        store_views.StoreDiscountRetryView.as_view(),
        name="store_discount_retry",
    ),
    path(
        "stores/<int:store_connection_id>/sync/",
        store_views.StoreSyncView.as_view(),
        name="store_sync",
    ),
    path(
        "links/<int:link_id>/qr.<str:kind>",
        views.TrackingLinkQrView.as_view(),
        name="tracking_link_qr",
    ),
    # Results outside the campaign dashboard (tracking.views.results).
    path("overview/", result_views.OverviewView.as_view(), name="tracking_overview"),
    path("overview.csv", result_views.OverviewExportView.as_view(), name="tracking_overview_csv"),
    path("creators/<int:creator_id>/results/", result_views.CreatorResultsPanelView.as_view(),
         name="tracking_creator_results"),
    path("campaigns/<int:campaign_id>/reports/", result_views.CampaignResultsView.as_view(),
         name="campaign_reports"),
    path("campaigns/<int:campaign_id>/results/leaderboard.csv",
         result_views.LeaderboardExportView.as_view(), name="campaign_leaderboard_csv"),
    path("campaigns/<int:campaign_id>/results/daily.csv", result_views.DailyExportView.as_view(),
         name="campaign_daily_csv"),
    path("campaigns/<int:campaign_id>/results/conversions.csv",
         result_views.ConversionExportView.as_view(), name="campaign_conversions_csv"),
    path("campaigns/<int:campaign_id>/results/ledger.csv",
         result_views.LedgerExportView.as_view(), name="campaign_ledger_csv"),
    path("campaigns/<int:campaign_id>/results/links.csv", result_views.LinkExportView.as_view(),
         name="campaign_links_csv"),
    path("campaigns/<int:campaign_id>/results/promo-codes.csv",
         result_views.PromoCodeExportView.as_view(), name="campaign_promo_codes_csv"),
    path("campaigns/<int:campaign_id>/results/overlaps.csv",
         result_views.OverlapExportView.as_view(), name="campaign_overlaps_csv"),
    path("campaigns/<int:campaign_id>/results/leak-flags.csv",
         result_views.LeakFlagExportView.as_view(), name="campaign_leak_flags_csv"),
    path("campaigns/<int:campaign_id>/results/overlaps/", result_views.OverlapListView.as_view(),
         name="campaign_overlaps"),
    path("campaigns/<int:campaign_id>/results/leaks/", result_views.LeakFlagListView.as_view(),
         name="campaign_leaks"),
    path("campaigns/<int:campaign_id>/reports/new/", result_views.ReportCreateView.as_view(),
         name="campaign_report_create"),
    path("campaigns/<int:campaign_id>/reports/<int:report_id>/",
         result_views.ReportStatusView.as_view(), name="campaign_report_status"),
    path("campaigns/<int:campaign_id>/reports/<int:report_id>/pdf",
         result_views.ReportDownloadView.as_view(), name="campaign_report_pdf"),
    # Conversions in: the postback's secret, CSV imports of orders, "why this credit".
    path("postback/", PostbackSettingsView.as_view(), name="postback_settings"),
    path("postback/docs/", PostbackDocsView.as_view(), name="postback_docs"),
    path("conversions/", conversion_views.ConversionListView.as_view(), name="conversion_list"),
    path("conversions.csv", conversion_views.ConversionExportView.as_view(),
         name="conversion_list_csv"),
    path(
        "conversions/<int:conversion_id>/",
        conversion_views.ConversionDetailView.as_view(),
        name="conversion_detail",
    ),
    path("order-imports/", include("tracking.imports.urls")),
    # A campaign's content metrics and share of voice (tracking.views.metrics).
    *metrics_urlpatterns,
]  # fmt: skip
