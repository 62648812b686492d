from django.urls import path

from kolhub.views import SectionIndexView

urlpatterns = [
    path(
        "",
        SectionIndexView.as_view(
            section="campaigns",
            section_title="Campaigns",
            section_description=(
                "Goals and KPI targets, budgets, the collaboration pipeline from shortlist to "
                "paid, outreach, offers, briefs, shipping and content review."
            ),
        ),
        name="campaigns_index",
    ),
]
