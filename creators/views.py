from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin


class CreatorsIndexView(OrganizationMixin, TemplateView):
    """The creators section's landing page; it fills in as the creators issue lands."""

    template_name = "kolhub/section_index.html"
    extra_context = {
        "section": "creators",
        "section_title": "Creators",
        "section_description": (
            "Your roster of KOLs, influencers, ambassadors and UGC creators: discovery search"
            " by credentials, audience and engagement, vetting scorecards, fit scores and "
            "shortlists."
        ),
    }
