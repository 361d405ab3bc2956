from django.urls import path

from search import health, views

app_name = "search"

urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("api/search/", views.search_api, name="api"),
    # Health for load balancers and supervisors (search/health.py, deploy/README.md).
    path("sante/", health.liveness, name="health"),
    path("sante/pret/", health.readiness, name="readiness"),
]
