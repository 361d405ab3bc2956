"""URLs under /propositions/ (namespace "editorial")."""

from django.urls import path

from cms.editorial import views

app_name = "editorial"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nouvelle/<int:page_id>/", views.propose, name="propose"),
    path("<int:page_id>/retirer/", views.withdraw_proposal, name="withdraw"),
]
