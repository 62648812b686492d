from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin


class TrackingIndexView(OrganizationMixin, TemplateView):
    """The tracking section's landing page; it fills in as the tracking issue lands."""

    template_name = "kolhub/section_index.html"
    extra_context = {
        "section": "tracking",
        "section_title": "Tracking",
        "section_description": (
            "Tracking links, promo codes and landing pages; orders and leads attributed to "
            "each creator; KPIs by funnel stage and ROI."
        ),
    }
