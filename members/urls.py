"""Members' pages outside the page tree: adhesion, own space and profile, personal data."""

from django.urls import include, path

app_name = "members"

urlpatterns = [
    path("rejoindre/", include("members.adhesion.urls")),
    path("mon-profil/", include("members.profile.urls")),
    path("mes-donnees/", include("members.personal_data.urls")),
    path("mon-espace/", include("members.space.urls")),
]
