from django.urls import path

from cms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/<int:page_id>/suivre/", views.follow, name="follow"),
    path("dossiers/<int:page_id>/ne-plus-suivre/", views.unfollow, name="unfollow"),
    path("flux/nouvelle-adresse/", views.regenerate_feed, name="regenerate_feed"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
