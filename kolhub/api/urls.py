"""/api/: the versioned API, its schema and docs. Each app adds its organization routes
to ORG_ROUTES' include list in kolhub/urls.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kolhub.api import views

member_list = views.MemberApi.as_view({"get": "list"})
member_detail = views.MemberApi.as_view({"get": "retrieve"})

org_patterns = [
    path("", views.OrganizationDetailApi.as_view(), name="api_organization"),
    path("members/", member_list, name="api_member_list"),
    path("members/<int:membership_id>/", member_detail, name="api_member_detail"),
    # Later apps add their routes by module path: kolhub imports none of them.
    path("", include("creators.api_urls")),
    path("", include("campaigns.api_urls")),
    path("", include("contracts.api_urls")),
    path("", include("tracking.api_urls")),
]

urlpatterns = [
    path("v1/me/", views.MeApi.as_view(), name="api_me"),
    path("v1/o/<slug:org_slug>/", include(org_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
