"""Campaign pages under /o/<org_slug>/campaigns/ (the nav links to `campaigns_index`)."""

from django.urls import path

from campaigns.views import campaigns as views
from campaigns.views import collaboration, content, expenses, outreach, payments, shipping

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
    # Shipping: shipments on the collaboration page, the nudge delay, the tracking webhook.
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/shipments/",
         shipping.ShipmentCreateView.as_view(), name="shipment_create"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/shipments/<int:shipment_id>/"
         "status/", shipping.ShipmentStatusView.as_view(), name="shipment_status"),
    path("<int:campaign_id>/seeding/nudge/", shipping.NudgeDaysView.as_view(),
         name="campaign_nudge_days"),
    path("tracking-webhook/", shipping.TrackingWebhookView.as_view(), name="tracking_webhook"),
    # Outreach: pitch templates, the pitch preview, follow-ups, the message thread.
    path("outreach/templates/", outreach.PitchTemplateListView.as_view(),
         name="outreach_templates"),
    path("outreach/templates/<int:pitch_template_id>/", outreach.PitchTemplateEditView.as_view(),
         name="outreach_template_edit"),
    path("outreach/templates/<int:pitch_template_id>/delete/",
         outreach.PitchTemplateDeleteView.as_view(), name="outreach_template_delete"),
    path("<int:campaign_id>/outreach/pitch/", outreach.PitchPreviewView.as_view(),
         name="outreach_pitch"),
    path("<int:campaign_id>/outreach/", outreach.OutreachPanelView.as_view(),
         name="outreach_panel"),
    path("<int:campaign_id>/outreach/follow-ups/", outreach.FollowUpPlanView.as_view(),
         name="outreach_follow_ups"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/messages/",
         outreach.MessagesView.as_view(), name="outreach_messages"),
    # The creative brief and content review (campaigns.views.content).
    path("<int:campaign_id>/brief/", content.BriefView.as_view(), name="campaign_brief"),
    path("<int:campaign_id>/brief/publish/", content.BriefPublishView.as_view(),
         name="brief_publish"),
    path("<int:campaign_id>/brief/assets/", content.BriefAssetAddView.as_view(),
         name="brief_asset_add"),
    path("<int:campaign_id>/brief/assets/<int:brief_asset_id>/remove/",
         content.BriefAssetRemoveView.as_view(), name="brief_asset_remove"),
    path("brief-versions/<int:brief_version_id>/", content.BriefVersionView.as_view(),
         name="brief_version"),
    # Private files: found by their own id inside the organization, served to members only.
    path("files/brief-assets/<int:brief_asset_id>/", content.BriefAssetFileView.as_view(),
         name="brief_asset_file"),
    path("files/submissions/<int:submission_id>/", content.SubmissionFileView.as_view(),
         name="submission_file"),
    path("files/live-posts/<int:live_post_id>/", content.LivePostScreenshotView.as_view(),
         name="live_post_screenshot"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/submissions/"
         "<int:submission_id>/review/", content.SubmissionReviewView.as_view(),
         name="submission_review"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/deliverables/"
         "<int:deliverable_id>/due-date/", content.DeliverableDueDateView.as_view(),
         name="deliverable_due_date"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/live-posts/"
         "<int:live_post_id>/verify/", content.LivePostVerifyView.as_view(),
         name="live_post_verify"),
    # Campaign expenses (amplification, other) on the campaign page's Budget card.
    path("<int:campaign_id>/expenses/", expenses.ExpenseCreateView.as_view(),
         name="expense_create"),
    path("<int:campaign_id>/expenses/<int:expense_id>/", expenses.ExpenseEditView.as_view(),
         name="expense_edit"),
    path("<int:campaign_id>/expenses/<int:expense_id>/paid/", expenses.ExpensePaidView.as_view(),
         name="expense_paid"),
    path("<int:campaign_id>/expenses/<int:expense_id>/delete/",
         expenses.ExpenseDeleteView.as_view(), name="expense_delete"),
]  # fmt: skip
