from django.urls import path

from kolhub.views import SectionIndexView
from tracking import views
from tracking.views import stores as store_views

urlpatterns = [
    path(
        "",
        SectionIndexView.as_view(
            section="tracking",
            section_title="Tracking",
            section_description=(
                "Tracking links, promo codes and landing pages; orders and leads attributed to "
                "each creator; KPIs by funnel stage and ROI."
            ),
        ),
        name="tracking_index",
    ),
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
        "stores/<int:store_connection_id>/sync/",
        store_views.StoreSyncView.as_view(),
        name="store_sync",
    ),
    path(
        "links/<int:link_id>/qr.<str:kind>",
        views.TrackingLinkQrView.as_view(),
        name="tracking_link_qr",
    ),
]
