from django.urls import path

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/<id:page_id>/suivre/", views.follow, name="follow"),
    path("dossiers/<id:page_id>/ne-plus-suivre/", views.unfollow, name="unfollow"),
    path("flux/nouvelle-adresse/", views.regenerate_feed, name="regenerate_feed"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
