from django.urls import path

from creators.enrichment import views

# Included at /o/<org_slug>/creators/integrations/.
urlpatterns = [
    path("", views.IntegrationsView.as_view(), name="creator_integrations"),
    path(
        "refresh-stale/",
        views.StaleRefreshView.as_view(),
        name="creator_integrations_refresh_stale",
    ),
    path(
        "<slug:platform>/remove/",
        views.CredentialRemoveView.as_view(),
        name="creator_integration_remove",
    ),
    path(
        "accounts/<int:account_id>/refresh/",
        views.AccountRefreshView.as_view(),
        name="creator_account_refresh",
    ),
]
