from django.urls import path

from tracking.imports import views

# Included at /o/<org_slug>/tracking/order-imports/.
urlpatterns = [
    path("", views.OrderImportUploadView.as_view(), name="order_imports"),
    path("<int:order_import_id>/mapping/", views.OrderImportMappingView.as_view(),
         name="order_import_mapping"),
    path("<int:order_import_id>/", views.OrderImportDetailView.as_view(),
         name="order_import_detail"),
    path("<int:order_import_id>/progress/", views.OrderImportProgressView.as_view(),
         name="order_import_progress"),
    path("<int:order_import_id>/errors.csv", views.OrderImportErrorsCsvView.as_view(),
         name="order_import_errors_csv"),
]  # fmt: skip
