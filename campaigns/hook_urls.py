"""Webhooks from outside services, mounted at /hooks/ by kolhub/urls.py (by module path:
kolhub imports no later app). Not under /o/: the endpoint id finds the organization."""

from django.urls import path

from campaigns.views import hooks

urlpatterns = [
    path("tracking/<slug:provider>/<str:endpoint_id>/", hooks.tracking_webhook,
         name="tracking_webhook_receive"),
]  # fmt: skip
