"""Proposals of new règlement versions (the versions themselves are routes of the page)."""

from django.urls import path

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms.reglement import views

app_name = "reglement"

urlpatterns = [
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/nouvelle/<id:page_id>/", views.propose, name="propose"),
    path("propositions/<id:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<id:pk>/approuver/", views.approve, name="approve"),
    path("propositions/<id:pk>/adopter/", views.adopt, name="adopt"),
    path("propositions/<id:pk>/retirer/", views.withdraw, name="withdraw"),
]
