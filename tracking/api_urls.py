"""Tracking routes under /api/v1/o/<org_slug>/ (included by kolhub/api/urls.py)."""

from django.urls import path

from tracking import api

urlpatterns = [
    path("tracking-links/", api.TrackingLinkApi.as_view({"get": "list", "post": "create"}),
         name="api_tracking_link_list"),
    path("tracking-links/<int:link_id>/",
         api.TrackingLinkApi.as_view({"get": "retrieve", "delete": "destroy"}),
         name="api_tracking_link_detail"),
    path("clicks/", api.ClickApi.as_view({"get": "list"}), name="api_click_list"),
]  # fmt: skip
