from django.urls import path

from campaigns import views

urlpatterns = [
    path("", views.CampaignsIndexView.as_view(), name="campaigns_index"),
]
