"""URLs under /propositions/ (namespace "editorial")."""

from django.urls import path

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms.editorial import views

app_name = "editorial"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nouvelle/<id:page_id>/", views.propose, name="propose"),
    path("<id:page_id>/modifier/", views.edit_proposal, name="edit"),
    path("<id:page_id>/retirer/", views.withdraw_proposal, name="withdraw"),
]
