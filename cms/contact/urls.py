"""URLs under /contact/ (app namespace "contact")."""

from django.urls import path

from cms.contact import views

app_name = "contact"

urlpatterns = [
    path("", views.contact, name="form"),
    path("envoye/", views.sent, name="sent"),
]
