from django.views.generic import TemplateView

from kolhub.tenancy.views import OrganizationMixin


class ContractsIndexView(OrganizationMixin, TemplateView):
    """The contracts section's landing page; it fills in as the contracts issue lands."""

    template_name = "kolhub/section_index.html"
    extra_context = {
        "section": "contracts",
        "section_title": "Contracts",
        "section_description": (
            "Templates, terms as data, e-signatures with evidence, sealed PDFs and public "
            "verification."
        ),
    }
