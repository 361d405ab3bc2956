from django.urls import path

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms.meetings import site_views as views

app_name = "meetings"

urlpatterns = [
    path("", views.my_registrations, name="my_registrations"),
    path("calendrier.ics", views.all_upcoming_ics, name="upcoming_ics"),
    path("rencontres/<id:page_id>/calendrier.ics", views.event_ics, name="event_ics"),
    path("listes/<id:page_id>/calendrier.ics", views.index_ics, name="index_ics"),
]
