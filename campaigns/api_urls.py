"""Campaign routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from campaigns import api

campaign_detail = api.CampaignApi.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
collaboration_detail = api.CollaborationApi.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("campaigns/", api.CampaignApi.as_view({"get": "list", "post": "create"}),
         name="api_campaign_list"),
    path("campaigns/<int:campaign_id>/", campaign_detail, name="api_campaign_detail"),
    path("campaigns/<int:campaign_id>/creators/",
         api.CampaignApi.as_view({"post": "add_creators"}), name="api_campaign_add_creators"),
    path("collaborations/", api.CollaborationApi.as_view({"get": "list", "post": "create"}),
         name="api_collaboration_list"),
    path("collaborations/<int:collaboration_id>/", collaboration_detail,
         name="api_collaboration_detail"),
    path("collaborations/<int:collaboration_id>/transition/",
         api.CollaborationApi.as_view({"post": "transition"}), name="api_collaboration_transition"),
    path("collaborations/<int:collaboration_id>/history/",
         api.CollaborationApi.as_view({"get": "history"}), name="api_collaboration_history"),
]  # fmt: skip
