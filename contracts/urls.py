from django.urls import path

from contracts import views

urlpatterns = [
    path("", views.ContractsIndexView.as_view(), name="contracts_index"),
]
