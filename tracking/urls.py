from django.urls import path

from kolhub.views import SectionIndexView

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
]
