from django.urls import path

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms.followup import exports, views

app_name = "followup"

urlpatterns = [
    path("<id:item_id>/", views.item_page, name="item"),
    path("<id:item_id>/suivi/", views.update, name="update"),
    path("<id:item_id>/etape/", views.entry, name="entry"),
    path("<id:item_id>/soutenir/", views.endorsement, name="endorse"),
    path("dossiers/<id:page_id>/suivi.pdf", exports.dossier_pdf, name="dossier_pdf"),
]
