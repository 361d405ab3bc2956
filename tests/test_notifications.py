"""Following dossiers: follow buttons, immediate e-mails, weekly digests, unsubscribing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from cms.models import ContributionPage, DossierPage
from cms.notifications.models import DossierFollow, Frequency, NotificationPreference
from cms.notifications.queries import followed_dossiers, notification_frequency
from cms.notifications.tokens import unsubscribe_token
from cms.visibility import Visibility, set_visibility
from tests.conftest import COLLEGES, PEOPLE, loaded_once, users_of
from tests.pages import FORMATION_DOSSIER, contribution, dossier_tree, open_dossier

TREE = dossier_tree(
    open_dossier(contribution("ancienne", "Contribution ancienne", "2021-01-01")),
    FORMATION_DOSSIER,
)

FOLLOWERS = ("pa", "formation", "deux", "coord", "sans-college")


# The people of tests/conftest.py, each with an address to be written to.
PEOPLE_WITH_ADDRESSES = {
    "users": [{**user, "email": f"{user['username']}@example.org"} for user in PEOPLE["users"]]
}

notifications_site = loaded_once(
    "notifications_site", {"colleges": COLLEGES}, PEOPLE_WITH_ADDRESSES, TREE
)


site = users_of("notifications_site", "site")


def dossier(slug: str = "ouvert") -> DossierPage:
    return DossierPage.objects.get(slug=slug)


def follow_all(site, names=FOLLOWERS, slug: str = "ouvert") -> None:
    for name in names:
        DossierFollow.objects.create(user=site[name], dossier=dossier(slug))


def choose(user, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


def publish_new(capture, title: str, visibility: Visibility | None = None, slug: str = "ouvert"):
    """A contribution published for the first time, with its after-commit work run."""
    page = ContributionPage(title=title, date=datetime.date(2024, 5, 2), summary="Résumé.")
    dossier(slug).add_child(instance=page)
    page.save_revision()
    if visibility:
        set_visibility(page, visibility)
    with capture(execute=True):
        page.get_latest_revision().publish()
    return page


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def login(client, user):
    client.force_login(user)
    return client


# --- following ---------------------------------------------------------------


def test_member_follows_a_dossier_from_its_page(client, site):
    response = login(client, site["pa"]).post(f"/suivi/dossiers/{dossier().pk}/suivre/")
    assert response.status_code == 302
    assert response["Location"] == dossier().url
    assert DossierFollow.objects.filter(user=site["pa"], dossier=dossier()).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Vous suivez désormais le dossier « Dossier ouvert »." in page
    assert "Ne plus suivre ce dossier" in page


def test_member_stops_following_a_dossier(client, site):
    follow_all(site, ["pa"])
    response = login(client, site["pa"]).post(f"/suivi/dossiers/{dossier().pk}/ne-plus-suivre/")
    assert response.status_code == 302
    assert not DossierFollow.objects.filter(user=site["pa"]).exists()
    assert "Vous ne suivez plus le dossier" in client.get("/suivi/").content.decode()


def test_dossier_page_offers_to_follow(client, site):
    page = login(client, site["pa"]).get(dossier().url).content.decode()
    assert f'action="/suivi/dossiers/{dossier().pk}/suivre/"' in page
    assert "Suivre ce dossier" in page


def test_a_dossier_the_member_may_not_see_cannot_be_followed(client, site):
    response = login(client, site["pa"]).post(f"/suivi/dossiers/{dossier('ferme').pk}/suivre/")
    assert response.status_code == 404
    assert not DossierFollow.objects.exists()


def test_following_needs_to_be_logged_in(client, site):
    response = client.post(f"/suivi/dossiers/{dossier().pk}/suivre/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert not DossierFollow.objects.exists()


def test_following_is_refused_without_csrf_token(site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["pa"])
    assert client.post(f"/suivi/dossiers/{dossier().pk}/suivre/").status_code == 403
    assert not DossierFollow.objects.exists()


def test_following_page_lists_only_dossiers_still_visible(client, site):
    follow_all(site, ["formation"], "ouvert")
    follow_all(site, ["formation"], "ferme")
    assert "Dossier formation" in login(client, site["formation"]).get("/suivi/").content.decode()
    set_visibility(dossier("ferme"), Visibility.colleges(["personnes-accompagnees"]))
    page = client.get("/suivi/").content.decode()
    assert "Dossier ouvert" in page
    assert "Dossier formation" not in page


def test_followed_dossiers_query_returns_visible_followed_dossiers(site):
    follow_all(site, ["pa"], "ouvert")
    DossierFollow.objects.create(user=site["pa"], dossier=dossier("ferme"))
    assert list(followed_dossiers(site["pa"])) == [dossier("ouvert")]


def test_notification_frequency_is_given_in_words(site):
    assert notification_frequency(site["pa"]) == "Un courriel à chaque nouvelle contribution"
    choose(site["pa"], Frequency.WEEKLY)
    assert notification_frequency(site["pa"]) == "Un résumé par semaine"


def test_member_chooses_a_weekly_digest(client, site):
    response = login(client, site["pa"]).post("/suivi/", {"frequency": "hebdomadaire"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.WEEKLY


def test_unknown_frequency_is_refused_with_a_message(client, site):
    choose(site["pa"], Frequency.WEEKLY)
    response = login(client, site["pa"]).post("/suivi/", {"frequency": "chaque-heure"})
    assert response.status_code == 400
    assert "Ce choix n’existe pas" in response.content.decode()
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.WEEKLY


# --- immediate e-mails -------------------------------------------------------


def test_new_public_contribution_emails_every_follower(site, django_capture_on_commit_callbacks):
    follow_all(site)
    publish_new(django_capture_on_commit_callbacks, "Synthèse de l'atelier numérique")
    assert recipients() == {f"{name}@example.org" for name in FOLLOWERS}
    message = mail.outbox[0]
    assert message.subject == (
        "Nouvelle contribution dans « Dossier ouvert » : Synthèse de l'atelier numérique"
    )
    assert "http://" in message.body and "/c/d/ouvert/" in message.body


def test_college_contribution_emails_only_followers_allowed_to_see_it(
    site, django_capture_on_commit_callbacks
):
    follow_all(site)
    publish_new(
        django_capture_on_commit_callbacks,
        "Témoignage réservé",
        Visibility.colleges(["personnes-accompagnees"]),
    )
    assert recipients() == {"pa@example.org", "deux@example.org", "coord@example.org"}


def test_emails_are_sent_after_commit_only(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    page = ContributionPage(title="Brouillon publié", date=datetime.date(2024, 5, 2))
    dossier().add_child(instance=page)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save_revision().publish()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert recipients() == {"pa@example.org"}


def test_later_edit_sends_no_new_email(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    page = publish_new(django_capture_on_commit_callbacks, "Compte rendu")
    assert len(mail.outbox) == 1
    page.title = "Compte rendu corrigé"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert len(mail.outbox) == 1


def test_contribution_loaded_before_following_is_not_announced(
    site, django_capture_on_commit_callbacks
):
    follow_all(site, ["pa"])
    page = ContributionPage.objects.get(slug="ancienne")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert mail.outbox == []


def test_follower_without_email_preference_gets_nothing(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.NONE)
    publish_new(django_capture_on_commit_callbacks, "Diagnostic")
    run_digests()
    assert mail.outbox == []


def test_email_carries_a_one_click_unsubscribe_link(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    publish_new(django_capture_on_commit_callbacks, "Position")
    message = mail.outbox[0]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http") and "/suivi/desabonnement/" in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body


# --- weekly digests ----------------------------------------------------------


def run_digests() -> None:
    call_command("send_digests", stdout=io.StringIO())


def test_weekly_follower_gets_the_contribution_in_the_digest_only(
    site, django_capture_on_commit_callbacks
):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.WEEKLY)
    publish_new(django_capture_on_commit_callbacks, "Synthèse A")
    publish_new(django_capture_on_commit_callbacks, "Synthèse B")
    assert mail.outbox == []
    run_digests()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["pa@example.org"]
    assert "2 nouvelles contributions" in digest.subject
    assert "Dossier « Dossier ouvert »" in digest.body
    assert "Synthèse A" in digest.body and "Synthèse B" in digest.body
    assert "List-Unsubscribe" in digest.extra_headers


def test_digest_run_twice_sends_nothing_more_and_records_the_date(
    site, django_capture_on_commit_callbacks
):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.WEEKLY)
    publish_new(django_capture_on_commit_callbacks, "Synthèse A")
    run_digests()
    run_digests()
    assert len(mail.outbox) == 1
    assert NotificationPreference.objects.get(user=site["pa"]).last_digest_at is not None


def test_next_digest_holds_only_what_was_published_since(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.WEEKLY)
    publish_new(django_capture_on_commit_callbacks, "Synthèse A")
    run_digests()
    publish_new(django_capture_on_commit_callbacks, "Synthèse B")
    run_digests()
    assert len(mail.outbox) == 2
    assert "Synthèse B" in mail.outbox[1].body
    assert "Synthèse A" not in mail.outbox[1].body


def test_digest_drops_a_contribution_restricted_since(site, django_capture_on_commit_callbacks):
    follow_all(site, ["formation"])
    choose(site["formation"], Frequency.WEEKLY)
    kept = publish_new(django_capture_on_commit_callbacks, "Synthèse visible")
    restricted = publish_new(django_capture_on_commit_callbacks, "Synthèse restreinte ensuite")
    set_visibility(restricted, Visibility.colleges(["personnes-accompagnees"]))
    run_digests()
    assert len(mail.outbox) == 1
    assert kept.title in mail.outbox[0].body
    assert restricted.title not in mail.outbox[0].body


def test_digest_leaves_out_a_dossier_no_longer_followed(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.WEEKLY)
    publish_new(django_capture_on_commit_callbacks, "Synthèse A")
    DossierFollow.objects.filter(user=site["pa"]).delete()
    run_digests()
    assert mail.outbox == []


def test_digest_only_of_contributions_restricted_since_is_not_sent(
    site, django_capture_on_commit_callbacks
):
    follow_all(site, ["formation"])
    choose(site["formation"], Frequency.WEEKLY)
    page = publish_new(django_capture_on_commit_callbacks, "Synthèse restreinte ensuite")
    set_visibility(page, Visibility.colleges(["personnes-accompagnees"]))
    run_digests()
    set_visibility(page, Visibility.public())
    run_digests()
    assert mail.outbox == []


# --- unsubscribing -----------------------------------------------------------


def test_unsubscribe_link_shows_a_confirmation_and_changes_nothing(client, site):
    choose(site["pa"], Frequency.WEEKLY)
    response = client.get(f"/suivi/desabonnement/{unsubscribe_token(site['pa'])}/")
    assert response.status_code == 200
    assert "Confirmer : ne plus recevoir de courriels" in response.content.decode()
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.WEEKLY


def test_unsubscribe_confirmed_without_login_stops_emails(site):
    choose(site["pa"], Frequency.WEEKLY)
    client = Client(enforce_csrf_checks=True)
    url = f"/suivi/desabonnement/{unsubscribe_token(site['pa'])}/"
    csrf = client.get(url).context["csrf_token"]
    response = client.post(url, {"csrfmiddlewaretoken": str(csrf)})
    assert response.status_code == 200
    assert "Vous ne recevrez plus de courriels" in response.content.decode()
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.NONE


def test_one_click_unsubscribe_from_the_mail_program(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/suivi/desabonnement/{unsubscribe_token(site['pa'])}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.NONE


def test_unsubscribe_drops_what_waited_for_the_digest(site, django_capture_on_commit_callbacks):
    follow_all(site, ["pa"])
    choose(site["pa"], Frequency.WEEKLY)
    publish_new(django_capture_on_commit_callbacks, "Synthèse A")
    Client().post(f"/suivi/desabonnement/{unsubscribe_token(site['pa'])}/")
    run_digests()
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_link_gets_a_clear_message(client, site, method):
    choose(site["pa"], Frequency.WEEKLY)
    token = unsubscribe_token(site["pa"])
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = getattr(client, method)(f"/suivi/desabonnement/{tampered}/")
    assert response.status_code == 400
    assert "Le lien de désabonnement est incomplet ou a été modifié" in response.content.decode()
    assert NotificationPreference.objects.get(user=site["pa"]).frequency == Frequency.WEEKLY


def test_token_made_for_another_purpose_is_refused(client, site):
    from django.core import signing

    forged = signing.dumps({"user": site["pa"].pk})  # right secret, wrong salt
    assert client.post(f"/suivi/desabonnement/{forged}/").status_code == 400


# --- admin -------------------------------------------------------------------


def test_coordination_sees_follows_in_the_admin_read_only(client, site):
    follow_all(site, ["pa"])
    follow = DossierFollow.objects.get()
    client.force_login(site["coord"])
    assert "Dossier ouvert" in client.get("/admin/dossiers_suivis/").content.decode()
    assert client.get(f"/admin/dossiers_suivis/inspect/{follow.pk}/").status_code == 200
    assert client.get(f"/admin/dossiers_suivis/edit/{follow.pk}/").status_code == 302
    assert client.post(f"/admin/dossiers_suivis/delete/{follow.pk}/").status_code == 302
    assert DossierFollow.objects.exists()


def test_members_do_not_see_follows_in_the_admin(client, site):
    client.force_login(site["pa"])
    assert client.get("/admin/dossiers_suivis/").status_code == 302
