"""Creator routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from creators import api

urlpatterns = [
    path("creators/", api.CreatorApi.as_view({"get": "list", "post": "create"}),
         name="api_creator_list"),
    path("creators/<int:creator_id>/",
         api.CreatorApi.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}),
         name="api_creator_detail"),
    path("creators/<int:creator_id>/scorecard/", api.CreatorApi.as_view({"get": "scorecard"}),
         name="api_creator_scorecard"),
    path("accounts/", api.SocialAccountApi.as_view({"get": "list"}), name="api_account_list"),
    path("accounts/<int:account_id>/", api.SocialAccountApi.as_view({"get": "retrieve"}),
         name="api_account_detail"),
    path("lists/", api.CreatorListApi.as_view({"get": "list", "post": "create"}),
         name="api_list_list"),
    path("lists/<int:list_id>/",
         api.CreatorListApi.as_view({"get": "retrieve", "delete": "destroy"}),
         name="api_list_detail"),
    path("lists/<int:list_id>/creators/",
         api.CreatorListApi.as_view({"get": "members", "post": "add_creators"}),
         name="api_list_add"),
    path("lists/<int:list_id>/creators/<int:creator_id>/",
         api.CreatorListApi.as_view({"delete": "remove_creator"}), name="api_list_remove"),
    path("saved-searches/", api.SavedSearchApi.as_view({"get": "list"}),
         name="api_saved_search_list"),
    path("saved-searches/<int:search_id>/", api.SavedSearchApi.as_view({"get": "retrieve"}),
         name="api_saved_search_detail"),
]  # fmt: skip
