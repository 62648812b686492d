from django.urls import path

from kolhub.views import SectionIndexView

urlpatterns = [
    path(
        "",
        SectionIndexView.as_view(
            section="contracts",
            section_title="Contracts",
            section_description=(
                "Templates, terms as data, e-signatures with evidence, sealed PDFs and public "
                "verification."
            ),
        ),
        name="contracts_index",
    ),
]
