"""Campaign pages under /o/<org_slug>/campaigns/ (the nav links to `campaigns_index`)."""

from django.urls import path

from campaigns.views import campaigns as views
from campaigns.views import collaboration, payments, warnings

urlpatterns = [
    path("", views.CampaignIndexView.as_view(), name="campaigns_index"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    # Used by the creators pages (by URL name only: creators never imports campaigns).
    path("add-creators/", views.AddCreatorsView.as_view(), name="campaigns_add_creators"),
    path("picker/", views.CampaignPickerView.as_view(), name="campaigns_picker"),
    path("for-creator/<int:creator_id>/", views.CreatorPanelView.as_view(),
         name="campaigns_creator_panel"),
    path("<int:campaign_id>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:campaign_id>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("<int:campaign_id>/delete/", views.CampaignDeleteView.as_view(), name="campaign_delete"),
    path("<int:campaign_id>/checklist/<slug:step>/", views.ChecklistTickView.as_view(),
         name="campaign_checklist_tick"),
    path("<int:campaign_id>/learnings/", views.LearningsView.as_view(),
         name="campaign_learnings"),
    path("<int:campaign_id>/pipeline/", views.BoardView.as_view(), name="campaign_board"),
    path("<int:campaign_id>/collaborations/", views.CollaborationListView.as_view(),
         name="campaign_collaborations"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/",
         collaboration.CollaborationDetailView.as_view(), name="collaboration_detail"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/transition/",
         views.TransitionView.as_view(), name="collaboration_transition"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/owner/",
         views.CollaborationOwnerView.as_view(), name="collaboration_owner"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/remove/",
         views.CollaborationRemoveView.as_view(), name="collaboration_remove"),
    # Offers, portal link and account link, on the collaboration page.
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/offers/",
         collaboration.OfferProposeView.as_view(), name="offer_propose"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/offer-warnings/",
         warnings.OfferWarningsView.as_view(), name="offer_warnings"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/offers/<int:offer_id>/accept/",
         collaboration.OfferAcceptView.as_view(), name="offer_accept"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/offers/<int:offer_id>/decline/",
         collaboration.OfferDeclineView.as_view(), name="offer_decline"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/offers/<int:offer_id>/withdraw/",
         collaboration.OfferWithdrawView.as_view(), name="offer_withdraw"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/portal-links/",
         collaboration.PortalLinkIssueView.as_view(), name="portal_link_issue"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/portal-links/"
         "<int:portal_token_id>/revoke/",
         collaboration.PortalLinkRevokeView.as_view(), name="portal_link_revoke"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/portal-account/unlink/",
         collaboration.PortalClaimRemoveView.as_view(), name="portal_claim_remove"),
    # The payment ledger.
    path("<int:campaign_id>/payments/", payments.PaymentsView.as_view(), name="campaign_payments"),
    path("<int:campaign_id>/payments/export/", payments.PaymentsExportView.as_view(),
         name="campaign_payments_export"),
    path("<int:campaign_id>/payments/<int:payment_id>/paid/", payments.PaymentPaidView.as_view(),
         name="payment_paid"),
]  # fmt: skip
