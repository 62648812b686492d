"""Contract routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from contracts import api

template_detail = api.ContractTemplateApi.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path(
        "contract-templates/",
        api.ContractTemplateApi.as_view({"get": "list", "post": "create"}),
        name="api_contract_template_list",
    ),
    path(
        "contract-templates/<int:template_id>/",
        template_detail,
        name="api_contract_template_detail",
    ),
    path(
        "contracts/",
        api.ContractApi.as_view({"get": "list", "post": "create"}),
        name="api_contract_list",
    ),
    path(
        "contracts/exclusivity-conflicts/",
        api.ExclusivityConflictsApi.as_view(),
        name="api_contract_exclusivity_conflicts",
    ),
    path(
        "contracts/<int:contract_id>/",
        api.ContractApi.as_view({"get": "retrieve"}),
        name="api_contract_detail",
    ),
    path(
        "contracts/<int:contract_id>/revise/",
        api.ContractApi.as_view({"post": "revise"}),
        name="api_contract_revise",
    ),
    path(
        "contracts/<int:contract_id>/send/",
        api.ContractApi.as_view({"post": "send"}),
        name="api_contract_send",
    ),
    path(
        "contracts/<int:contract_id>/void/",
        api.ContractApi.as_view({"post": "void"}),
        name="api_contract_void",
    ),
    path(
        "contracts/<int:contract_id>/signing/",
        api.ContractApi.as_view({"get": "signing"}),
        name="api_contract_signing",
    ),
    path(
        "contracts/<int:contract_id>/pdf/",
        api.ContractApi.as_view({"get": "pdf"}),
        name="api_contract_pdf",
    ),
]
