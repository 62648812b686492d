from django.urls import path

from creators import views

urlpatterns = [
    path("", views.CreatorsIndexView.as_view(), name="creators_index"),
]
