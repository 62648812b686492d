"""Public tracking routes, outside /o/, mounted at the site root by kolhub/urls.py: each
finds its organization itself. /l/<slug>/ is a creator's landing page; /r/<code> a
tracking link's redirect."""

from django.urls import path

from tracking import public_views, views
from tracking.views.postback import postback_receive

urlpatterns = [
    path("l/<slug:slug>/", public_views.LandingPageView.as_view(), name="landing_page"),
    path("r/<str:code>", views.redirect_view, name="tracking_redirect"),
    # Server-to-server postback: a brand's own system reports a lead, sale or refund.
    path("t/conversion", postback_receive, name="postback_receive"),
]
