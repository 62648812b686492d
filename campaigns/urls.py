"""Campaign pages under /o/<org_slug>/campaigns/ (the nav links to `campaigns_index`)."""

from django.urls import path

from campaigns import views

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
         views.CollaborationDetailView.as_view(), name="collaboration_detail"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/transition/",
         views.TransitionView.as_view(), name="collaboration_transition"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/owner/",
         views.CollaborationOwnerView.as_view(), name="collaboration_owner"),
    path("<int:campaign_id>/collaborations/<int:collaboration_id>/remove/",
         views.CollaborationRemoveView.as_view(), name="collaboration_remove"),
]  # fmt: skip
