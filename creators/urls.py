from django.urls import include, path

from kolhub.views import SectionIndexView

urlpatterns = [
    path(
        "",
        SectionIndexView.as_view(
            section="creators", section_title="Creators", section_description="Discovery."
        ),
        name="creators_index",
    ),
    path("import/", include("creators.imports.urls")),
    path("integrations/", include("creators.enrichment.urls")),
]
