"""Store webhooks, mounted at /hooks/shopify/ by kolhub/urls.py (by module path: kolhub
imports no later app). Not under /o/: the public id finds the organization."""

from django.urls import path

from tracking import hook_views

urlpatterns = [
    path("<str:public_id>/", hook_views.shopify_webhook, name="shopify_webhook_receive"),
]
