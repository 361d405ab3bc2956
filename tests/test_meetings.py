"""Meetings: registration, waiting list, calendars, attendee list, travel cost support."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.meetings import services
from cms.meetings.models import Registration, TravelSupportRequest
from cms.meetings.queries import registrations_of
from cms.models import ContributionPage, EventPage
from tests.conftest import COLLEGES, load, loaded_once, users_of
from tests.pages import contribution, dossier, dossier_tree

NOW = timezone.localtime()


def moment(days: int) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def day(days: int) -> str:
    return (NOW + timedelta(days=days)).date().isoformat()


def user(username: str, first: str, last: str, colleges: list[str], **extra) -> dict:
    return {
        "username": username,
        "password": "x-secret-1",
        "first_name": first,
        "last_name": last,
        "email": f"{username}@exemple.org",
        "colleges": colleges,
        "roles": ["member"],
        **extra,
    }


DATA = {
    "organisations": [
        {"slug": "institut", "name": "Institut Bellevue", "college": "acteurs-formation"},
    ],
    "users": [
        user("camille", "Camille", "Martin", ["personnes-accompagnees"]),
        user("bruno", "Bruno", "Lefort", ["acteurs-formation"], organisation="institut",
             visibility={"email": "hidden"}),
        user("dora", "Dora", "Petit", ["collectivites-territoriales"]),
        user("emile", "Émile", "Roux", ["acteurs-formation"]),
        user("coord", "Claire", "Coordo", ["acteurs-formation"],
             roles=["member", "coordination"]),
    ],
    "pages": [
        {"type": "convention", "slug": "c", "title": "Convention", "children": [
            {"type": "event_index", "slug": "rencontres", "title": "Rencontres", "children": [
                {"type": "event", "slug": "ouverte", "title": "Atelier ouvert",
                 "start": moment(30), "end": moment(30.1), "location": "Salle des fêtes, Toulon",
                 "programme": "Accueil\n\nTravail en groupes", "speakers": ["Nadia H."],
                 "capacity": 2, "registration_deadline": day(20)},
                {"type": "event", "slug": "sans-limite", "title": "Assemblée sans limite",
                 "start": moment(40)},
                {"type": "event", "slug": "passee", "title": "Rencontre passée",
                 "start": moment(-10), "capacity": 10},
                {"type": "event", "slug": "close", "title": "Inscriptions closes",
                 "start": moment(10), "registration_deadline": day(-1)},
                {"type": "event", "slug": "formation", "title": "Réservée à la formation",
                 "start": moment(15), "visibility": {"colleges": ["acteurs-formation"]}},
                {"type": "event", "slug": "membres", "title": "Réservée aux membres",
                 "start": moment(16), "visibility": "members"},
            ]},
            {"type": "dossier_index", "slug": "dossiers", "title": "Dossiers", "children": [
                {"type": "dossier", "slug": "d", "title": "Dossier", "theme": "Éthique",
                 "children": [
                     {"type": "contribution", "slug": "cr-public", "title": "Compte rendu public",
                      "date": day(-5), "contribution_type": "compte_rendu"},
                     {"type": "contribution", "slug": "cr-formation",
                      "title": "Synthèse réservée à la formation", "date": day(-4),
                      "visibility": {"colleges": ["acteurs-formation"]}},
                 ]},
            ]},
        ]},
    ],
}  # fmt: skip

OPEN = "/c/rencontres/ouverte/"
SUBMIT = "S’inscrire à la rencontre"


meetings_data = loaded_once("meetings_data", {"colleges": COLLEGES}, DATA)


site = users_of("meetings_data", "site")


def event(slug: str) -> EventPage:
    return EventPage.objects.get(slug=slug)


def as_user(client: Client, site: dict, username: str) -> Client:
    client.force_login(site[username])
    return client


def register(client: Client, url: str = OPEN, follow: bool = False, **data):
    return client.post(url + "inscription/", data, follow=follow)


def status_of(username: str, slug: str = "ouverte") -> str | None:
    registration = Registration.objects.filter(user__username=username, event__slug=slug).first()
    return registration.status if registration else None


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# -- registering and cancelling -------------------------------------------------------


def test_event_page_offers_registration_to_a_member(client, site):
    page = as_user(client, site, "dora").get(OPEN).content.decode()
    assert SUBMIT in page
    assert "2 places restantes" in page


def test_event_page_invites_anonymous_readers_to_log_in(client, site):
    page = client.get(OPEN).content.decode()
    assert SUBMIT not in page
    assert "connectez-vous" in page


def test_member_registers_and_sees_their_status(client, site):
    as_user(client, site, "dora")
    response = register(client)
    assert response.status_code == 302
    assert status_of("dora") == Registration.Status.CONFIRMED
    page = client.get(OPEN)
    content = page.content.decode()
    assert "Vous êtes inscrit·e à cette rencontre" in content
    assert "Annuler mon inscription" in content
    assert SUBMIT not in content
    assert "1 place restante" in content
    assert any("est enregistrée" in text for text in messages_of(page))


def test_registering_twice_keeps_one_registration(client, site):
    as_user(client, site, "dora")
    register(client)
    response = register(client)
    assert response.status_code == 302
    assert Registration.objects.filter(user=site["dora"]).count() == 1


def test_member_cancels_their_registration(client, site):
    as_user(client, site, "dora")
    register(client)
    response = client.post(OPEN + "annulation/", follow=True)
    assert status_of("dora") == Registration.Status.CANCELLED
    assert any("est annulée" in text for text in messages_of(response))
    assert SUBMIT in response.content.decode()


# -- « Annuler mon inscription » asks for confirmation first ---------------------------

CANCEL = OPEN + "annulation/"


def test_event_page_links_to_the_confirmation_instead_of_cancelling(client, site):
    as_user(client, site, "dora")
    register(client)
    content = client.get(OPEN).content.decode()
    assert f'href="{CANCEL}"' in content
    assert f'action="{CANCEL}"' not in content


def test_confirmation_page_asks_and_changes_nothing(client, site):
    as_user(client, site, "dora")
    register(client)
    response = client.get(CANCEL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Annuler votre inscription ?" in content
    assert "Oui, annuler mon inscription" in content
    assert "Non, garder mon inscription" in content
    assert status_of("dora") == Registration.Status.CONFIRMED


def test_confirming_cancels_with_a_clear_message(client, site):
    as_user(client, site, "dora")
    register(client)
    response = client.post(CANCEL, follow=True)
    assert status_of("dora") == Registration.Status.CANCELLED
    messages = [str(message) for message in response.context["messages"]]
    assert messages[-1] == "Votre inscription à la rencontre « Atelier ouvert » est annulée."


def test_confirmation_without_registration_sends_back_with_a_message(client, site):
    response = as_user(client, site, "dora").get(CANCEL, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("n’êtes pas inscrit·e" in text for text in messages)


def test_anonymous_confirmation_goes_to_login(client, site):
    response = client.get(CANCEL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_the_cancelling_post_needs_a_csrf_token(site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["dora"])
    register(client)  # refused too (no token): register without the check
    plain = Client()
    plain.force_login(site["dora"])
    register(plain)
    assert client.post(CANCEL).status_code == 403
    assert status_of("dora") == Registration.Status.CONFIRMED


def test_cancelling_without_registration_says_so(client, site):
    response = as_user(client, site, "dora").post(OPEN + "annulation/", follow=True)
    assert any("n’êtes pas inscrit·e" in text for text in messages_of(response))


def test_registration_needs_a_csrf_token(site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site["dora"])
    assert register(client).status_code == 403
    assert status_of("dora") is None


def test_registration_route_refuses_get(client, site):
    response = as_user(client, site, "dora").get(OPEN + "inscription/")
    assert response.status_code == 405
    assert status_of("dora") is None


def test_anonymous_registration_goes_to_login(client, site):
    response = register(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert not Registration.objects.exists()


def test_registration_is_refused_after_the_deadline(client, site):
    as_user(client, site, "dora")
    assert "closes depuis le" in client.get("/c/rencontres/close/").content.decode()
    response = register(client, "/c/rencontres/close/", follow=True)
    assert any("closes depuis le" in text for text in messages_of(response))
    assert status_of("dora", "close") is None


def test_registration_is_refused_for_a_past_meeting(client, site):
    response = as_user(client, site, "dora").post("/c/rencontres/passee/inscription/", follow=True)
    assert any("a déjà eu lieu" in text for text in messages_of(response))
    assert status_of("dora", "passee") is None


def test_reader_who_may_not_see_the_meeting_cannot_register(client, site):
    as_user(client, site, "dora")
    assert register(client, "/c/rencontres/formation/").status_code == 403
    assert status_of("dora", "formation") is None
    assert register(Client(), "/c/rencontres/formation/")["Location"].startswith("/connexion/")
    with pytest.raises(services.RegistrationRefused):
        services.register(event("formation"), site["dora"])


def test_member_of_the_college_registers_to_a_restricted_meeting(client, site):
    register(as_user(client, site, "emile"), "/c/rencontres/formation/")
    assert status_of("emile", "formation") == Registration.Status.CONFIRMED


def test_former_member_cannot_register(site):
    from members.models import Member
    from members.roles import end_membership

    end_membership(Member.objects.get(user=site["dora"]))
    with pytest.raises(services.RegistrationRefused):
        services.register(event("ouverte"), site["dora"])


# -- capacity and waiting list --------------------------------------------------------


def fill(site, *usernames, slug: str = "ouverte"):
    return [services.register(event(slug), site[name]) for name in usernames]


def test_full_meeting_puts_people_on_the_waiting_list_in_order(client, site):
    fill(site, "dora", "emile")
    response = register(as_user(client, site, "camille"), follow=True)
    assert status_of("camille") == Registration.Status.WAITING
    assert any("liste d’attente, en position 1" in text for text in messages_of(response))
    outcome = services.register(event("ouverte"), site["bruno"])
    assert outcome.position == 2
    content = client.get(OPEN).content.decode()
    assert "en position 1" in content
    assert "complet" in content


def test_a_meeting_without_capacity_never_fills(site):
    outcomes = fill(site, "dora", "emile", "camille", "bruno", slug="sans-limite")
    assert all(outcome.registration.is_confirmed for outcome in outcomes)


def cancel_from_a_full_meeting(site: dict, capture_on_commit, username: str) -> None:
    """Dora and Émile hold the two places, Camille then Bruno wait; `username` cancels.

    The e-mails a commit would send are sent (``capture_on_commit`` executes them).
    """
    fill(site, "dora", "emile", "camille", "bruno")
    with capture_on_commit(execute=True):
        services.cancel(event("ouverte"), site[username])


def test_cancellation_gives_the_place_to_the_first_waiting_and_emails_them(
    site, mailoutbox, django_capture_on_commit_callbacks
):
    cancel_from_a_full_meeting(site, django_capture_on_commit_callbacks, "dora")
    assert status_of("camille") == Registration.Status.CONFIRMED
    assert status_of("bruno") == Registration.Status.WAITING
    bruno = Registration.objects.get(user=site["bruno"])
    assert services.waiting_position(bruno) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["camille@exemple.org"]
    assert "Une place s’est libérée" in mail.subject
    assert "Atelier ouvert" in mail.subject
    assert "vous êtes maintenant inscrit·e" in mail.body
    assert "http" in mail.body and OPEN in mail.body


def test_cancelling_a_waiting_entry_promotes_no_one(
    site, mailoutbox, django_capture_on_commit_callbacks
):
    cancel_from_a_full_meeting(site, django_capture_on_commit_callbacks, "camille")
    assert status_of("bruno") == Registration.Status.WAITING
    assert Registration.objects.get(user=site["bruno"]).pk
    assert services.waiting_position(Registration.objects.get(user=site["bruno"])) == 1
    assert mailoutbox == []


def test_registering_again_after_cancelling_joins_the_end_of_the_queue(site):
    fill(site, "dora", "emile", "camille")
    services.cancel(event("ouverte"), site["camille"])
    fill(site, "bruno")
    outcome = services.register(event("ouverte"), site["camille"])
    assert outcome.registration.is_waiting and outcome.position == 2


def test_publishing_more_places_promotes_the_waiting_list(
    site, mailoutbox, django_capture_on_commit_callbacks
):
    fill(site, "dora", "emile", "camille", "bruno")
    page = event("ouverte")
    page.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert status_of("camille") == Registration.Status.CONFIRMED
    assert status_of("bruno") == Registration.Status.WAITING
    assert [mail.to for mail in mailoutbox] == [["camille@exemple.org"]]


def test_event_page_query_count_does_not_grow_with_registrations(client, site):
    as_user(client, site, "coord")
    fill(site, "dora")
    with CaptureQueriesContext(connection) as few:
        assert client.get(OPEN).status_code == 200
    fill(site, "emile", "camille", "bruno")
    ContributionPage.objects.update(meeting=event("ouverte"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(OPEN).status_code == 200
    # The linked contributions add their list and their URLs' site lookup, nothing per row.
    assert len(many) <= len(few) + 3
    assert len(many) < 45


# -- linked contributions ------------------------------------------------------------


def test_event_page_lists_only_the_contributions_the_reader_may_see(client, site):
    ContributionPage.objects.update(meeting=event("passee"))
    public = client.get("/c/rencontres/passee/").content.decode()
    assert "Compte rendu public" in public
    assert "Synthèse réservée à la formation" not in public
    trainer = as_user(client, site, "emile").get("/c/rencontres/passee/").content.decode()
    assert "Synthèse réservée à la formation" in trainer


# -- iCalendar -----------------------------------------------------------------------


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def ics_of(slug: str) -> str:
    return f"/inscriptions/rencontres/{event(slug).pk}/calendrier.ics"


def test_meeting_calendar_file_parses_back_with_its_details(client, site):
    calendar = parse(client.get(ics_of("ouverte")))
    (vevent,) = calendar.walk("VEVENT")
    page = event("ouverte")
    assert str(vevent["SUMMARY"]) == "Atelier ouvert"
    assert vevent.decoded("DTSTART") == page.start
    assert vevent.decoded("DTSTART").tzinfo.key == "Europe/Paris"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTEND") == page.end
    assert "DTSTAMP" in vevent
    assert str(vevent["LOCATION"]) == "Salle des fêtes, Toulon"
    assert str(vevent["URL"]).endswith(OPEN)
    description = str(vevent["DESCRIPTION"])
    assert "Travail en groupes" in description and "Nadia H." in description
    assert "<" not in description
    assert calendar.walk("VTIMEZONE")


def test_meeting_calendar_uid_is_stable(client, site):
    first = parse(client.get(ics_of("ouverte"))).walk("VEVENT")[0]["UID"]
    second = parse(client.get(ics_of("ouverte"))).walk("VEVENT")[0]["UID"]
    assert first == second
    other = parse(client.get(ics_of("sans-limite"))).walk("VEVENT")[0]["UID"]
    assert other != first


def test_calendar_of_a_restricted_meeting_is_not_found_for_others(client, site):
    assert client.get(ics_of("formation")).status_code == 404
    assert as_user(client, site, "dora").get(ics_of("formation")).status_code == 404
    client.force_login(site["emile"])
    assert parse(client.get(ics_of("formation")))


def summaries(response) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in parse(response).walk("VEVENT")}


def test_list_calendar_has_only_the_upcoming_meetings_the_reader_may_see(client, site):
    index = EventPage.objects.get(slug="ouverte").get_parent()
    url = f"/inscriptions/listes/{index.pk}/calendrier.ics"
    public = {"Atelier ouvert", "Assemblée sans limite", "Inscriptions closes"}
    assert summaries(client.get(url)) == public
    assert summaries(as_user(client, site, "dora").get(url)) == public | {"Réservée aux membres"}
    assert summaries(as_user(client, site, "emile").get(url)) == public | {
        "Réservée aux membres",
        "Réservée à la formation",
    }


def test_site_calendar_applies_the_same_rule(client, site):
    assert "Réservée aux membres" not in summaries(client.get("/inscriptions/calendrier.ics"))
    assert "Rencontre passée" not in summaries(client.get("/inscriptions/calendrier.ics"))


def test_event_list_page_links_to_its_calendar(client, site):
    index = EventPage.objects.get(slug="ouverte").get_parent()
    page = client.get("/c/rencontres/").content.decode()
    assert f"/inscriptions/listes/{index.pk}/calendrier.ics" in page


# -- attendee list -------------------------------------------------------------------


# The header of the export, as a spreadsheet shows it.
ATTENDEE_COLUMNS = (
    "nom;organisation;collèges;courriel;statut;date d'inscription;"
    "prise en charge des frais demandée"
)


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_coordination_exports_the_attendee_list(client, site):
    services.register(event("ouverte"), site["bruno"])
    services.register(event("ouverte"), site["camille"], travel_support=True)
    services.register(event("ouverte"), site["dora"])
    response = as_user(client, site, "coord").get(OPEN + "participants/export-csv/")
    rows = read_csv(response)
    assert list(rows[0]) == ATTENDEE_COLUMNS.split(";")
    by_name = {row["nom"]: row for row in rows}
    assert list(by_name) == ["Bruno Lefort", "Camille M.", "Dora Petit"]
    assert by_name["Bruno Lefort"]["organisation"] == "Institut Bellevue"
    assert by_name["Bruno Lefort"]["courriel"] == ""  # he hides his e-mail address
    assert by_name["Camille M."]["courriel"] == "camille@exemple.org"
    assert by_name["Camille M."]["collèges"] == "Personnes accompagnées"
    assert by_name["Camille M."]["prise en charge des frais demandée"] == "oui"
    assert by_name["Bruno Lefort"]["prise en charge des frais demandée"] == "non"
    assert by_name["Bruno Lefort"]["statut"] == "Inscrit·e"
    assert by_name["Dora Petit"]["statut"] == "Liste d'attente (1)"
    assert by_name["Dora Petit"]["date d'inscription"]


def test_attendee_export_is_refused_to_others(client, site):
    assert client.get(OPEN + "participants/export-csv/").status_code == 403
    as_user(client, site, "dora")
    assert client.get(OPEN + "participants/export-csv/").status_code == 403
    assert client.get(OPEN + "participants/").status_code == 403
    assert "Liste des participants" not in client.get(OPEN).content.decode()


def test_coordination_sees_the_attendee_list(client, site):
    fill(site, "dora", "camille")
    as_user(client, site, "coord")
    assert "Liste des participants" in client.get(OPEN).content.decode()
    page = client.get(OPEN + "participants/").content.decode()
    assert "Dora Petit" in page and "Camille M." in page and "Martin" not in page


def test_csv_cells_cannot_start_a_formula(client, site):
    dora = site["dora"]
    dora.first_name = "=HYPERLINK(1)"
    dora.save()
    services.register(event("ouverte"), dora)
    rows = read_csv(as_user(client, site, "coord").get(OPEN + "participants/export-csv/"))
    assert rows[0]["nom"].startswith("'=")


# -- travel cost support -------------------------------------------------------------


def test_travel_support_is_offered_only_to_accompanied_people(client, site):
    assert "travel_support" in as_user(client, site, "camille").get(OPEN).content.decode()
    assert "travel_support" not in as_user(client, site, "dora").get(OPEN).content.decode()
    assert "travel_support" not in Client().get(OPEN).content.decode()


def test_accompanied_person_asks_for_travel_support_when_registering(client, site):
    register(
        as_user(client, site, "camille"), travel_support="on", travel_note="Train depuis Digne"
    )
    support = TravelSupportRequest.objects.get()
    assert support.registration.user == site["camille"]
    assert support.note == "Train depuis Digne"
    assert support.status == TravelSupportRequest.Status.PENDING
    content = client.get(OPEN).content.decode()
    assert "prise en charge des frais de déplacement : <strong>à traiter" in content


def test_travel_support_asked_by_someone_else_is_ignored(client, site):
    register(as_user(client, site, "dora"), travel_support="on", travel_note="Voiture")
    assert status_of("dora") == Registration.Status.CONFIRMED
    assert not TravelSupportRequest.objects.exists()


def test_too_long_travel_note_changes_nothing(client, site):
    note = "x" * (TravelSupportRequest.NOTE_MAX_LENGTH + 1)
    response = register(as_user(client, site, "camille"), travel_support="on", travel_note=note)
    assert response.status_code == 302
    messages = messages_of(client.get(OPEN))
    assert any("trop longues" in text for text in messages)
    assert not Registration.objects.exists()


ADMIN_LIST = "/admin/prises_en_charge_frais/"


def test_coordination_follows_travel_support_up_in_the_admin(client, site):
    services.register(event("ouverte"), site["camille"], travel_support=True, travel_note="Bus")
    support = TravelSupportRequest.objects.get()
    as_user(client, site, "coord")
    listing = client.get(ADMIN_LIST)
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Prises en charge des frais" in content
    assert "Camille M." in content and "Atelier ouvert" in content
    assert "Camille M." not in client.get(ADMIN_LIST + "?status=granted").content.decode()
    response = client.post(
        f"{ADMIN_LIST}edit/{support.pk}/",
        {"status": "granted", "follow_up_note": "Billet envoyé"},
    )
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.status == TravelSupportRequest.Status.GRANTED
    assert support.note == "Bus"
    assert "Camille M." in client.get(ADMIN_LIST + "?status=granted").content.decode()


def test_travel_support_admin_is_closed_to_members(client, site):
    from django.contrib.auth.models import Permission

    # Even a member who may enter the admin (a referent, say) does not see the requests.
    site["dora"].user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = as_user(client, site, "dora").get(ADMIN_LIST)
    assert response.status_code in (302, 403)
    assert "Prises en charge des frais" not in client.get("/admin/").content.decode()


# -- the person's own registrations --------------------------------------------------


def test_registrations_of_lists_upcoming_meetings_first_without_cancelled_ones(site):
    emile = site["emile"]
    for slug in ("sans-limite", "formation", "ouverte"):
        services.register(event(slug), emile)
    Registration.objects.create(
        event=event("passee"), user=emile, registered_at=timezone.now() - timedelta(days=20)
    )
    services.register(event("membres"), emile)
    services.cancel(event("membres"), emile)
    slugs = [registration.event.slug for registration in registrations_of(emile)]
    assert slugs == ["formation", "ouverte", "sans-limite", "passee"]
    upcoming = [r.event.slug for r in registrations_of(emile, upcoming_only=True)]
    assert upcoming == ["formation", "ouverte", "sans-limite"]


def test_registrations_of_leaves_out_meetings_the_person_may_no_longer_see(site):
    from members.models import CollegeMembership
    from members.roles import sync_access

    emile = site["emile"]
    services.register(event("formation"), emile)
    CollegeMembership.objects.filter(member__user=emile).delete()
    sync_access(emile.member)
    emile = get_user_model().objects.get(pk=emile.pk)
    assert list(registrations_of(emile)) == []


def test_registrations_of_needs_no_query_per_row(site, django_assert_max_num_queries):
    for slug in ("sans-limite", "ouverte", "membres"):
        services.register(event(slug), site["dora"])
    dora = get_user_model().objects.get(pk=site["dora"].pk)
    with django_assert_max_num_queries(4):
        assert [r.event.title for r in registrations_of(dora)]


def test_my_registrations_page_lists_them(client, site):
    fill(site, "dora", "emile", "camille")
    content = as_user(client, site, "camille").get("/inscriptions/").content.decode()
    assert "Atelier ouvert" in content and "en position 1" in content
    assert Client().get("/inscriptions/").status_code == 302


# -- content files -------------------------------------------------------------------


def tree_with_minutes(meeting: str) -> dict:
    """Minutes of `meeting` in convention « k », beside its meetings' index."""
    minutes = contribution("cr", "Compte rendu", day(-3), meeting=meeting)
    meetings = {"type": "event_index", "slug": "rencontres", "title": "Rencontres", "children": [
        {"type": "event", "slug": "journee", "title": "Journée", "start": moment(-3)},
    ]}  # fmt: skip
    return dossier_tree(
        dossier("d", "Dossier", "Éthique", minutes), beside=(meetings,), convention="k"
    )


def test_content_file_links_minutes_to_a_meeting_loaded_after_them(client, site):
    load(tree_with_minutes("k/rencontres/journee"))
    minutes = ContributionPage.objects.get(slug="cr")
    assert minutes.meeting == event("journee")
    assert minutes.get_latest_revision().as_object().meeting_id == minutes.meeting_id
    assert "Compte rendu" in client.get("/k/rencontres/journee/").content.decode()


def test_content_file_with_an_unknown_meeting_is_refused(site):
    from cms.content_loader import ContentError

    with pytest.raises(ContentError, match=r"meeting.*aucune rencontre"):
        load(tree_with_minutes("k/rencontres/inconnue"))
    assert not ContributionPage.objects.filter(slug="cr").exists()


def test_past_meetings_are_listed_twelve_per_page(client, db):
    import datetime

    from django.utils import timezone

    from cms.models import EventIndexPage, EventPage
    from tests.conftest import load

    long_ago = timezone.now() - datetime.timedelta(days=400)
    load(
        {
            "pages": [
                {
                    "type": "convention",
                    "slug": "archives",
                    "title": "Convention",
                    "children": [
                        {
                            "type": "event_index",
                            "slug": "rencontres",
                            "title": "Rencontres",
                            "children": [
                                {
                                    "type": "event",
                                    "slug": f"rencontre-{number}",
                                    "title": f"Rencontre numéro {number:02d}",
                                    "start": (
                                        long_ago + datetime.timedelta(days=number)
                                    ).isoformat(),
                                }
                                for number in range(15)
                            ],
                        }
                    ],
                }
            ]
        }
    )
    index = EventIndexPage.objects.get(url_path__endswith="/archives/rencontres/")
    assert EventPage.objects.child_of(index).count() == 15

    first = client.get(index.url).content.decode()
    second = client.get(index.url + "?page=2").content.decode()
    garbage = client.get(index.url + "?page=zzz")

    assert "Rencontre numéro 14" in first and "Rencontre numéro 02" not in first
    assert "Rencontre numéro 02" in second and "Rencontre numéro 14" not in second
    assert "Page 1 sur 2" in first
    assert garbage.status_code == 200
