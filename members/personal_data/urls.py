from django.urls import path

from members.personal_data import views

urlpatterns: list = [
    path("", views.overview, name="personal_data"),
    path("telecharger/", views.download, name="personal_data_download"),
    path("demander-la-suppression/", views.request_removal, name="personal_data_removal"),
]
