"""Proposals of new règlement versions (the versions themselves are routes of the page)."""

from django.urls import path

from cms.reglement import views

app_name = "reglement"

urlpatterns = [
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/nouvelle/<int:page_id>/", views.propose, name="propose"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/approuver/", views.approve, name="approve"),
    path("propositions/<int:pk>/adopter/", views.adopt, name="adopt"),
    path("propositions/<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
