"""Public tracking routes, outside /o/: each finds its organization itself."""

from django.urls import path

from tracking import public_views

urlpatterns = [
    path("l/<slug:slug>/", public_views.LandingPageView.as_view(), name="landing_page"),
]
