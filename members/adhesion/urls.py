"""URLs under /rejoindre/ (app namespace "members")."""

from django.urls import path

from members.adhesion import views

urlpatterns = [
    path("", views.adhesion, name="adhesion"),
    path("merci/", views.adhesion_done, name="adhesion_done"),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="adhesion_set_password",
    ),
    path("mot-de-passe/termine/", views.set_password_done, name="adhesion_password_done"),
]
