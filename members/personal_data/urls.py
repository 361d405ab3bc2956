from django.urls import path

from members.personal_data import views

urlpatterns: list = [
    path("", views.overview, name="personal_data"),
    path("telecharger/", views.download, name="personal_data_download"),
    path(
        "telecharger/tableur.csv",
        views.download_spreadsheet,
        {"kind": "csv"},
        name="personal_data_download_csv",
    ),
    path(
        "telecharger/tableur.xlsx",
        views.download_spreadsheet,
        {"kind": "xlsx"},
        name="personal_data_download_xlsx",
    ),
    path("demander-la-suppression/", views.request_removal, name="personal_data_removal"),
]
