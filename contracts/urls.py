"""Contract pages under /o/<org_slug>/contracts/ (the nav links to `contracts_index`).
The public routes, /sign/<token>/ and /verify/, are in contracts/public_urls.py."""

from django.urls import path

from contracts import views

urlpatterns = [
    path("", views.ContractIndexView.as_view(), name="contracts_index"),
    path("new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("templates/", views.TemplateListView.as_view(), name="contract_templates"),
    path("templates/new/", views.TemplateCreateView.as_view(), name="contract_template_create"),
    path(
        "templates/preview/", views.TemplatePreviewView.as_view(), name="contract_template_preview"
    ),
    path(
        "templates/<int:template_id>/",
        views.TemplateEditView.as_view(),
        name="contract_template_edit",
    ),
    path(
        "templates/<int:template_id>/archive/",
        views.TemplateArchiveView.as_view(),
        name="contract_template_archive",
    ),
    path("<int:contract_id>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("<int:contract_id>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("<int:contract_id>/send/", views.ContractSendView.as_view(), name="contract_send"),
    path("<int:contract_id>/void/", views.ContractVoidView.as_view(), name="contract_void"),
    path("<int:contract_id>/sign/", views.ContractSignView.as_view(), name="contract_sign"),
    path(
        "<int:contract_id>/signers/<int:signer_id>/resend/",
        views.SignerResendView.as_view(),
        name="contract_signer_resend",
    ),
    path("<int:contract_id>/pdf/", views.ContractPdfView.as_view(), name="contract_pdf"),
    path(
        "<int:contract_id>/pdf/status/",
        views.ContractPdfStatusView.as_view(),
        name="contract_pdf_status",
    ),
    path(
        "<int:contract_id>/pdf/retry/",
        views.ContractPdfRetryView.as_view(),
        name="contract_pdf_retry",
    ),
    # Fragments other apps' pages load by URL name (they never import contracts).
    path("panels/dashboard/", views.DashboardPanelView.as_view(), name="contracts_dashboard_panel"),
    path(
        "panels/campaign/<int:campaign_id>/",
        views.CampaignPanelView.as_view(),
        name="contracts_campaign_panel",
    ),
    path(
        "panels/collaboration/<int:collaboration_id>/",
        views.CollaborationPanelView.as_view(),
        name="contracts_collaboration_panel",
    ),
    path(
        "exclusivity-check/",
        views.ExclusivityCheckView.as_view(),
        name="contracts_exclusivity_check",
    ),
]
