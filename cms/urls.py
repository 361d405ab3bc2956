from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

import cms.converters  # noqa: F401  (registers <id:…>, ids a database can hold)
from cms import api, feeds, media, site_files
from cms.forms import ForgottenPasswordForm, LoginForm
from members.security.throttle import ThrottledPasswordResetView

# Forgotten password, in Django's four steps (the e-mail is built by ForgottenPasswordForm).
password_reset_urls = [
    path(
        "oublie/",
        ThrottledPasswordResetView.as_view(
            form_class=ForgottenPasswordForm,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(reset_url_token="choisir"),
        name="password_reset_confirm",
    ),
    path(
        "nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

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
    # Two-factor authentication: /connexion/verification/, /connexion/double-authentification/.
    path("connexion/", include("members.security.urls")),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", include(password_reset_urls)),
    path("", include("members.urls")),
    path("", include("search.urls")),
    path("contact/", include("cms.contact.urls")),
    path("propositions/", include("cms.editorial.urls")),
    path("preconisations/", include("cms.followup.urls")),
    path("inscriptions/", include("cms.meetings.urls")),
    path("suivi/", include("cms.notifications.urls")),
    path("reglement/", include("cms.reglement.urls")),
    path("api/contributions/", api.contributions, name="api_contributions"),
    path("api/preconisations/", api.preconisations, name="api_preconisations"),
    path("api/preconisations/<id:item_id>/", api.preconisation, name="api_preconisation"),
    path("flux/contributions/", feeds.ContributionsFeed(), name="feed_contributions"),
    path("flux/dossiers/<int:page_id>/", feeds.DossierFeed(), name="feed_dossier"),
    path("flux/prive/<str:token>/", feeds.PrivateFeed(), name="feed_private"),
    path(
        "flux/preconisations/<id:board_id>/",
        feeds.SharedStatusChangesFeed(),
        name="feed_followup_board",
    ),
    path(
        "flux/prive/<str:token>/preconisations/<id:board_id>/",
        feeds.PrivateStatusChangesFeed(),
        name="feed_private_followup_board",
    ),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    # Uploaded images are checked against the pages that use them (see cms.media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media"),
]

urlpatterns += [path("", include(wagtail_urls))]
