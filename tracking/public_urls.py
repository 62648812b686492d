"""/r/<code>: public, mounted at the site root by kolhub/urls.py."""

from django.urls import path

from tracking import views

urlpatterns = [path("r/<str:code>", views.redirect_view, name="tracking_redirect")]
