"""URLs under /mon-profil/ (app namespace "members")."""

from django.urls import path

from members.profile import views

urlpatterns = [
    path("", views.edit_profile, name="profile"),
    path("adresse/", views.change_email, name="email_change"),
    path("adresse/annuler/", views.cancel_email_change, name="email_change_cancel"),
    # Opened from the e-mail, signed in or not: the signed link itself is the proof.
    path("adresse/confirmer/<str:token>/", views.confirm_email, name="email_confirm"),
]
