"""URLs under /mon-profil/ (app namespace "members")."""

from django.urls import path

from members.profile import views

urlpatterns = [
    path("", views.edit_profile, name="profile"),
]
