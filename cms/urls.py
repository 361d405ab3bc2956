from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import api, feeds, media
from cms.forms import LoginForm

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("members.urls")),
    path("", include("search.urls")),
    path("propositions/", include("cms.editorial.urls")),
    path("inscriptions/", include("cms.meetings.urls")),
    path("suivi/", include("cms.notifications.urls")),
    path("reglement/", include("cms.reglement.urls")),
    path("api/contributions/", api.contributions, name="api_contributions"),
    path("flux/contributions/", feeds.ContributionsFeed(), name="feed_contributions"),
    path("flux/dossiers/<int:page_id>/", feeds.DossierFeed(), name="feed_dossier"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Uploaded images are checked against the pages that use them (see cms.media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media"),
]

urlpatterns += [path("", include(wagtail_urls))]
