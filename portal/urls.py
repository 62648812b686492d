"""The creator portal under /p/ (mounted by kolhub/urls.py). The same pages answer two
ways in: /p/<token>/… (an invite link) and /p/b/<brand>/… (an account that claimed a
creator of that brand); portal.access.PortalMixin tells them apart. /p/ itself lists an
account's collaborations across brands."""

from django.urls import include, path

from portal.views import collaboration, content, contracts, home, messages, results, shipping


def pages(mode: str) -> list:
    name = f"portal_{mode}_"
    return [
        path("", home.HomeView.as_view(), name=f"{name}home"),
        path("payments/", home.PaymentsView.as_view(), name=f"{name}payments"),
        path("results/", results.ResultsView.as_view(), name=f"{name}results"),
        path("c/<int:collaboration_id>/", collaboration.CollaborationView.as_view(),
             name=f"{name}collaboration"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/accept/",
             collaboration.OfferAcceptView.as_view(), name=f"{name}offer_accept"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/counter/",
             collaboration.OfferCounterView.as_view(), name=f"{name}offer_counter"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/decline/",
             collaboration.OfferDeclineView.as_view(), name=f"{name}offer_decline"),
        path("c/<int:collaboration_id>/address/", shipping.AddressView.as_view(),
             name=f"{name}address"),
        path("c/<int:collaboration_id>/messages/", messages.MessagesView.as_view(),
             name=f"{name}messages"),
        # The brief and content review (portal.views.content).
        path("c/<int:collaboration_id>/brief/<int:brief_version_id>/acknowledge/",
             content.BriefAcknowledgeView.as_view(), name=f"{name}brief_acknowledge"),
        path("c/<int:collaboration_id>/brief/assets/<int:brief_asset_id>/",
             content.BriefAssetFileView.as_view(), name=f"{name}brief_asset"),
        path("c/<int:collaboration_id>/deliverables/<int:deliverable_id>/submit/",
             content.SubmissionCreateView.as_view(), name=f"{name}submission_create"),
        path("c/<int:collaboration_id>/deliverables/<int:deliverable_id>/live/",
             content.LivePostSubmitView.as_view(), name=f"{name}live_post_submit"),
        path("c/<int:collaboration_id>/submissions/<int:submission_id>/file/",
             content.SubmissionFileView.as_view(), name=f"{name}submission_file"),
        path("c/<int:collaboration_id>/live-posts/<int:live_post_id>/screenshot/",
             content.LivePostScreenshotView.as_view(), name=f"{name}live_post_screenshot"),
        path("contracts/<int:contract_id>/", contracts.ContractView.as_view(),
             name=f"{name}contract"),
        path("contracts/<int:contract_id>/pdf/", contracts.ContractPdfView.as_view(),
             name=f"{name}contract_pdf"),
        path("contracts/<int:contract_id>/pdf/status/", contracts.ContractPdfStatusView.as_view(),
             name=f"{name}contract_pdf_status"),
    ]  # fmt: skip


urlpatterns = [
    path("", home.AccountView.as_view(), name="portal_account"),
    path("b/<slug:brand>/", include(pages("account"))),
    path("<str:token>/claim/", home.ClaimView.as_view(), name="portal_token_claim"),
    path("<str:token>/", include(pages("token"))),
]
