"""URLs under /mon-profil/ (app namespace "members")."""

from django.urls import path

from members.profile import views

urlpatterns = [
    path("", views.edit_profile, name="profile"),
    path("photo/", views.change_photo, name="profile_photo"),
    path("photo/retirer/", views.remove_photo, name="profile_photo_remove"),
    path("nom/", views.change_name, name="name_change"),
    path("nom/annuler/", views.cancel_name_change, name="name_change_cancel"),
    path("adresse/", views.change_email, name="email_change"),
    path("adresse/annuler/", views.cancel_email_change, name="email_change_cancel"),
    # Opened from the e-mail, signed in or not: the signed link itself is the proof.
    path("adresse/confirmer/<str:token>/", views.confirm_email, name="email_confirm"),
]
