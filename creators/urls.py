from django.urls import path

from kolhub.views import SectionIndexView

urlpatterns = [
    path(
        "",
        SectionIndexView.as_view(
            section="creators",
            section_title="Creators",
            section_description=(
                "Your roster of KOLs, influencers, ambassadors and UGC creators: discovery search"
                " by credentials, audience and engagement, vetting scorecards, fit scores and "
                "shortlists."
            ),
        ),
        name="creators_index",
    ),
]
