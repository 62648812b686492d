"""The creator portal under /p/ (mounted by kolhub/urls.py). The same pages answer two
ways in: /p/<token>/… (an invite link) and /p/b/<brand>/… (an account that claimed a
creator of that brand); portal.access.PortalMixin tells them apart. /p/ itself lists an
account's collaborations across brands."""

from django.urls import include, path

from portal import views


def pages(mode: str) -> list:
    name = f"portal_{mode}_"
    return [
        path("", views.HomeView.as_view(), name=f"{name}home"),
        path("payments/", views.PaymentsView.as_view(), name=f"{name}payments"),
        path("c/<int:collaboration_id>/", views.CollaborationView.as_view(),
             name=f"{name}collaboration"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/accept/",
             views.OfferAcceptView.as_view(), name=f"{name}offer_accept"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/counter/",
             views.OfferCounterView.as_view(), name=f"{name}offer_counter"),
        path("c/<int:collaboration_id>/offers/<int:offer_id>/decline/",
             views.OfferDeclineView.as_view(), name=f"{name}offer_decline"),
    ]  # fmt: skip


urlpatterns = [
    path("", views.AccountView.as_view(), name="portal_account"),
    path("b/<slug:brand>/", include(pages("account"))),
    path("<str:token>/claim/", views.ClaimView.as_view(), name="portal_token_claim"),
    path("<str:token>/", include(pages("token"))),
]
