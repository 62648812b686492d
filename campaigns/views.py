from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin


class CampaignsIndexView(OrganizationMixin, TemplateView):
    """The campaigns section's landing page; it fills in as the campaigns issue lands."""

    template_name = "kolhub/section_index.html"
    extra_context = {
        "section": "campaigns",
        "section_title": "Campaigns",
        "section_description": (
            "Goals and KPI targets, budgets, the collaboration pipeline from shortlist to "
            "paid, outreach, offers, briefs, shipping and content review."
        ),
    }
