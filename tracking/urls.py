from django.urls import path

from kolhub.views import SectionIndexView
from tracking import views as link_views

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
    # Tracking links: a section on the collaboration page (tracking.templatetags).
    path(
        "campaigns/<int:campaign_id>/collaborations/<int:collaboration_id>/links/",
        link_views.TrackingLinkCreateView.as_view(),
        name="tracking_link_create",
    ),
    path(
        "links/<int:link_id>/delete/",
        link_views.TrackingLinkDeleteView.as_view(),
        name="tracking_link_delete",
    ),
    path(
        "links/<int:link_id>/qr.<str:kind>",
        link_views.TrackingLinkQrView.as_view(),
        name="tracking_link_qr",
    ),
]
