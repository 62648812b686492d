from django.urls import include, path

from creators import views

urlpatterns = [
    path("", views.DiscoveryView.as_view(), name="creators_index"),
    path("export.csv", views.ExportView.as_view(), name="creators_export"),
    path("new/", views.CreatorCreateView.as_view(), name="creator_create"),
    path("searches/save/", views.SavedSearchSaveView.as_view(), name="saved_search_save"),
    path(
        "searches/<int:search_id>/delete/",
        views.SavedSearchDeleteView.as_view(),
        name="saved_search_delete",
    ),
    path("lists/", views.ListIndexView.as_view(), name="creator_lists"),
    path("lists/add/", views.ListAddView.as_view(), name="creator_list_add"),
    path("lists/<int:list_id>/", views.ListDetailView.as_view(), name="creator_list"),
    path(
        "lists/<int:list_id>/remove/<int:creator_id>/",
        views.ListRemoveView.as_view(),
        name="creator_list_remove",
    ),
    path("lists/<int:list_id>/delete/", views.ListDeleteView.as_view(), name="creator_list_delete"),
    path("<int:creator_id>/", views.CreatorDetailView.as_view(), name="creator_detail"),
    path("<int:creator_id>/edit/", views.CreatorEditView.as_view(), name="creator_edit"),
    path("<int:creator_id>/accounts/", views.AccountAddView.as_view(), name="creator_account_add"),
    path(
        "<int:creator_id>/accounts/<int:account_id>/delete/",
        views.AccountDeleteView.as_view(),
        name="creator_account_delete",
    ),
    path(
        "<int:creator_id>/credentials/",
        views.CredentialView.as_view(),
        name="creator_credentials",
    ),
    path("<int:creator_id>/notes/", views.NoteAddView.as_view(), name="creator_note_add"),
    path("import/", include("creators.imports.urls")),
    path("integrations/", include("creators.enrichment.urls")),
]
