from django.urls import path

from tracking import views

urlpatterns = [
    path("", views.TrackingIndexView.as_view(), name="tracking_index"),
]
