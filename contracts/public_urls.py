"""Public contract routes, mounted at the site root by kolhub/urls.py: the creator's
signing link and the verification page. No /o/<org_slug>/: the signing link finds its
organization from the token (contracts.public_views), /verify/ needs none."""

from django.urls import path

from contracts import public_views

urlpatterns = [
    path("sign/<str:token>/", public_views.SignLinkView.as_view(), name="contract_sign_link"),
    path(
        "sign/<str:token>/pdf/",
        public_views.SignLinkPdfView.as_view(),
        name="contract_sign_link_pdf",
    ),
    path(
        "sign/<str:token>/pdf/status/",
        public_views.SignLinkPdfStatusView.as_view(),
        name="contract_sign_link_pdf_status",
    ),
    path("verify/", public_views.VerifyView.as_view(), name="contract_verify"),
]
