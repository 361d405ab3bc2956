"""URLs under /mon-espace/ (app namespace "members")."""

from django.urls import path

from members.space import views

urlpatterns = [
    path("", views.my_space, name="space"),
]
