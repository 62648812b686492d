from django.urls import path

from creators.imports import views

# Included at /o/<org_slug>/creators/import/.
urlpatterns = [
    path("", views.ImportUploadView.as_view(), name="creator_imports"),
    path(
        "<int:import_id>/mapping/", views.ImportMappingView.as_view(), name="creator_import_mapping"
    ),
    path("<int:import_id>/", views.ImportDetailView.as_view(), name="creator_import_detail"),
    path(
        "<int:import_id>/progress/",
        views.ImportProgressView.as_view(),
        name="creator_import_progress",
    ),
    path(
        "<int:import_id>/errors.csv",
        views.ImportErrorsCsvView.as_view(),
        name="creator_import_errors_csv",
    ),
    path("<int:import_id>/retry/", views.ImportRetryView.as_view(), name="creator_import_retry"),
]
