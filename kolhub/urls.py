from django.contrib import admin
from django.urls import include, path

from kolhub import health, views

# Every brand page lives under /o/<org_slug>/; the tenant middleware guards them all.
org_patterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("settings/", views.SettingsView.as_view(), name="org_settings"),
    path("settings/members/", views.MembersView.as_view(), name="members"),
    path(
        "settings/members/<int:membership_id>/role/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "settings/members/<int:membership_id>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "settings/invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("settings/api-keys/", views.ApiKeysView.as_view(), name="api_keys"),
    path(
        "settings/api-keys/<int:key_id>/revoke/",
        views.ApiKeyRevokeView.as_view(),
        name="api_key_revoke",
    ),
    path("creators/", include("creators.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("contracts/", include("contracts.urls")),
    path("tracking/", include("tracking.urls")),
]

urlpatterns = [
    # Public tracking routes: landing pages /l/<slug>/ and the link redirect /r/<code>.
    # First: /r/ is the busiest route, and each request is resolved twice (the tenant
    # middleware, then the handler); nothing else starts with l/ or r/.
    path("", include("tracking.public_urls")),
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("onboarding/", views.OnboardingView.as_view(), name="onboarding"),
    path(
        "invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    path("dev/outbox/", views.OutboxListView.as_view(), name="outbox"),
    path("dev/outbox/<int:email_id>/", views.OutboxDetailView.as_view(), name="outbox_detail"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("kolhub.api.urls")),
    # Public contract routes (/sign/<token>/, /verify/): by module path, kolhub imports no
    # later app.
    path("", include("contracts.public_urls")),
    # Webhooks from tracking providers: outside /o/, each finds its organization itself.
    path("hooks/", include("campaigns.hook_urls")),
    # Shopify order and refund webhooks: /hooks/shopify/<public_id>/.
    path("hooks/shopify/", include("tracking.hook_urls")),
    # The creator portal: outside /o/, it enters the tenant of the link itself.
    path("p/", include("portal.urls")),
    path("o/<slug:org_slug>/", include(org_patterns)),
]
