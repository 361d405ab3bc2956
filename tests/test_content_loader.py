"""The content loader: all or nothing, JSON paths in refusals, idempotent."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Revision

from cms.content_loader import ContentError
from cms.followup.models import FollowupBoardPage, TimelineEntry, TrackedItem
from cms.models import ContributionPage, DossierPage, EventPage, ReglementPage
from members.models import College, Member, Organisation, Territory
from tests.conftest import COLLEGES, DEMO_CONTENT, load

SMALL = {
    "colleges": COLLEGES,
    "territories": [
        {"slug": "paca", "name": "Provence-Alpes-Côte d'Azur"},
        {"slug": "var", "name": "Var", "parent": "paca"},
    ],
    "organisations": [
        {
            "slug": "uriopss",
            "name": "URIOPSS",
            "college": "acteurs-formation",
            "territory": "var",
            "adhesion_date": "2019-03-01",
        }
    ],
    "users": [
        {
            "username": "amina",
            "password": "mot-de-passe-1",
            "first_name": "Amina",
            "last_name": "Benali",
            "email": "amina@example.org",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member"],
            "profile": {"fonction": "Membre du CRPA", "expertise": ["numérique"]},
            "visibility": {"email": "members", "phone": "hidden"},
        }
    ],
    "pages": [
        {
            "type": "convention",
            "slug": "paca",
            "title": "Convention PACA",
            "territory": "paca",
            "objectives": ["Réunir", "Reconnaître"],
            "children": [
                {
                    "type": "reglement",
                    "slug": "reglement",
                    "title": "Règlement",
                    "version": "1.0",
                    "adopted_on": "2019-06-01",
                    "approved_by": ["acteurs-formation"],
                    "articles": [
                        {"title": "Objet", "body": "Premier article."},
                        {"title": "Adhésion", "body": "Second article."},
                    ],
                },
                {
                    "type": "dossier_index",
                    "slug": "dossiers",
                    "title": "Dossiers",
                    "children": [
                        {
                            "type": "dossier",
                            "slug": "non-recours",
                            "title": "Non-recours",
                            "theme": "Non-recours",
                            "visibility": "members",
                            "coordinators": ["amina"],
                            "children": [
                                {
                                    "type": "contribution",
                                    "slug": "atelier-1",
                                    "title": "Atelier 1",
                                    "contribution_type": "synthese_atelier",
                                    "date": "2019-11-14",
                                    "colleges": ["personnes-accompagnees"],
                                    "authors": ["amina"],
                                    "summary": "Résumé.",
                                    "body": "## Constat\n\nUn paragraphe.\n\nUn autre.",
                                    "preconisations": [
                                        {"title": "Simplifier", "description": "Moins de papier."}
                                    ],
                                    "testimonies": [
                                        {"text": "J'ai abandonné.", "author": "Amina B."}
                                    ],
                                    "tags": ["numérique", "accès aux droits"],
                                    "visibility": {
                                        "colleges": ["personnes-accompagnees", "acteurs-formation"]
                                    },
                                },
                                {
                                    "type": "contribution",
                                    "slug": "brouillon",
                                    "title": "Brouillon",
                                    "date": "2020-01-01",
                                    "live": False,
                                },
                            ],
                        },
                    ],
                },
                {
                    "type": "event_index",
                    "slug": "rencontres",
                    "title": "Rencontres",
                    "children": [
                        {
                            "type": "event",
                            "slug": "pleniere",
                            "title": "Plénière",
                            "start": "2027-03-12T09:30",
                            "end": "2027-03-12T12:30",
                            "capacity": 40,
                            "speakers": ["Amina B."],
                        }
                    ],
                },
                {
                    "type": "directory",
                    "slug": "annuaire",
                    "title": "Annuaire",
                    "visibility": "members",
                },
            ],
        },
    ],
}


EVENT = ["pages", 0, "children", 2, "children", 0]
CONTRIBUTION = ["pages", 0, "children", 1, "children", 0, "children", 0]
CONTRIBUTION_PATH = "pages[0].children[1].children[0].children[0]"


def snapshot() -> dict:
    """Every row of every model, as comparable data."""
    state = {}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        state[model._meta.label] = sorted(
            json.dumps(row, sort_keys=True, default=str) for row in model.objects.values()
        )
    return state


def with_change(path: list, value, base: dict | None = None) -> dict:
    """A deep copy of SMALL (or of ``base``) with one value replaced at a key/index path."""
    data = json.loads(json.dumps(SMALL if base is None else base))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def refusal(data) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load(data)
    return caught.value


@pytest.mark.django_db
def test_loads_every_kind_of_entry():
    load(SMALL)
    assert College.objects.count() == 3
    assert Territory.objects.get(slug="var").parent.slug == "paca"
    assert Organisation.objects.get(slug="uriopss").territory.slug == "var"
    member = Member.objects.get(user__username="amina")
    assert member.territory is None
    assert member.visibility_of("email") == "members"
    assert member.user.check_password("mot-de-passe-1")
    contribution = ContributionPage.objects.get(slug="atelier-1")
    assert [block.block_type for block in contribution.body] == [
        "heading",
        "paragraph",
        "paragraph",
        "temoignage",
        "heading",
        "preconisation",
    ]
    assert sorted(tag.name for tag in contribution.tags.all()) == ["accès aux droits", "numérique"]
    assert list(contribution.authors.all()) == [member]
    assert ReglementPage.objects.get().approved_by.get().slug == "acteurs-formation"
    assert EventPage.objects.get().capacity == 40
    assert list(DossierPage.objects.get().coordinators.all()) == [member]


@pytest.mark.django_db
def test_live_false_leaves_a_never_published_draft():
    load(SMALL)
    draft = ContributionPage.objects.get(slug="brouillon")
    assert draft.live is False
    assert draft.first_published_at is None


@pytest.mark.django_db
def test_visibility_becomes_a_group_view_restriction():
    load(SMALL)
    restriction = PageViewRestriction.objects.get(page__slug="atelier-1")
    names = set(restriction.groups.values_list("name", flat=True))
    assert names == {
        "Collège : Personnes accompagnées",
        "Collège : Acteurs de la formation",
        "Coordination",
    }


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load(SMALL)
    before = snapshot()
    report = load(SMALL)
    assert not report
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_entry_updates_only_that_entry():
    load(SMALL)
    revisions = Revision.objects.count()
    report = load(with_change(["pages", 0, "children", 0, "version"], "1.1"))
    assert ReglementPage.objects.get().version_label == "1.1"
    assert report["page(s) mise(s) à jour"] == 1
    assert Revision.objects.count() == revisions + 1


@pytest.mark.parametrize(
    ("path", "value", "expected_path"),
    [
        (
            ["pages", 0, "children", 1, "children", 0, "visibility"],
            "secret",
            "pages[0].children[1].children[0].visibility",
        ),
        (
            ["pages", 0, "children", 1, "children", 0, "children", 0, "visibility"],
            {"colleges": ["inconnu"]},
            "pages[0].children[1].children[0].children[0].visibility.colleges[0]",
        ),
        (
            ["pages", 0, "children", 1, "children", 0, "children", 0, "date"],
            "14/11/2019",
            "pages[0].children[1].children[0].children[0].date",
        ),
        (["users", 0, "colleges"], ["personnes-accompagnees", "fantome"], "users[0].colleges[1]"),
        (["users", 0, "roles"], ["member", "chef"], "users[0].roles[1]"),
        (["users", 0, "visibility"], {"email": "tout-le-monde"}, "users[0].visibility.email"),
        (["organisations", 0, "college"], "inconnu", "organisations[0].college"),
        (["territories", 1, "parent"], "corse", "territories[1].parent"),
        (["pages", 0, "children", 3, "type"], "annuaire", "pages[0].children[3].type"),
        (
            ["pages", 0, "children", 2, "children", 0, "end"],
            "2027-03-11T09:00",
            "pages[0].children[2].children[0].end",
        ),
        # Values only the database would refuse, or crash on: checked before writing.
        (EVENT + ["capacity"], 2**31, "pages[0].children[2].children[0].capacity"),
        (EVENT + ["capacity"], 2**63, "pages[0].children[2].children[0].capacity"),
        (EVENT + ["start"], "0001-01-01T00:00+05:00", "pages[0].children[2].children[0].start"),
        (EVENT + ["end"], "9999-12-31T23:00-05:00", "pages[0].children[2].children[0].end"),
        (CONTRIBUTION + ["tags"], ["t" * 150], CONTRIBUTION_PATH + ".tags[0]"),
        (CONTRIBUTION + ["title"], "Titre\x00caché", CONTRIBUTION_PATH + ".title"),
        (
            ["users", 0, "profile"],
            {"expertise": ["e" * 150]},
            "users[0].profile.expertise[0]",
        ),
        (
            ["organisations", 0, "website"],
            "https://example.org/" + "a" * 290,
            "organisations[0].website",
        ),
        (["users", 0, "first_name"], "Ami\x00na", "users[0].first_name"),
    ],
)
@pytest.mark.django_db
def test_bad_value_is_refused_with_its_json_path_and_nothing_written(path, value, expected_path):
    before = snapshot()
    error = refusal(with_change(path, value))
    assert error.path == expected_path
    assert snapshot() == before


@pytest.mark.django_db
def test_relative_dates_count_days_from_the_day_of_loading():
    data = with_change(["pages", 0, "children", 2, "children", 0, "start"], "today+30T09:30")
    data = with_change(["pages", 0, "children", 2, "children", 0, "end"], "today+30T12:00", data)
    data = with_change(
        ["pages", 0, "children", 2, "children", 0, "registration_deadline"], "today+23", data
    )
    load(data)
    event = EventPage.objects.get(slug="pleniere")
    in_thirty_days = timezone.localdate() + datetime.timedelta(days=30)
    assert timezone.localtime(event.start).date() == in_thirty_days
    assert timezone.localtime(event.start).strftime("%H:%M") == "09:30"
    assert event.registration_deadline == in_thirty_days - datetime.timedelta(days=7)


@pytest.mark.django_db
def test_unknown_key_is_refused_with_its_path():
    data = with_change(["pages", 0, "children", 1, "children", 0, "couleur"], "bleu")
    assert refusal(data).path == "pages[0].children[1].children[0].couleur"


@pytest.mark.django_db
def test_duplicate_slug_is_refused():
    data = with_change(
        ["colleges"], COLLEGES + [{"slug": "acteurs-formation", "name": "Autre nom"}]
    )
    assert refusal(data).path == "colleges[3]"


@pytest.mark.django_db
def test_duplicate_sibling_page_slug_is_refused():
    dossiers = SMALL["pages"][0]["children"][1]["children"]
    data = with_change(["pages", 0, "children", 1, "children"], dossiers + [dossiers[0]])
    assert refusal(data).path == "pages[0].children[1].children[1].slug"


@pytest.mark.django_db
def test_page_type_in_the_wrong_place_is_refused():
    data = with_change(["pages", 0, "children", 0, "type"], "contribution")
    assert refusal(data).path == "pages[0].children[0].type"


@pytest.mark.django_db
def test_refusal_late_in_the_file_rolls_back_earlier_entries():
    error = refusal(with_change(["pages", 0, "children", 3, "visibility"], "nobody"))
    assert error.path == "pages[0].children[3].visibility"
    assert not College.objects.exists()
    assert not get_user_model().objects.filter(username="amina").exists()
    assert not Page.objects.filter(slug="paca").exists()


@pytest.mark.django_db
def test_command_reports_a_refused_file_in_french(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"colleges": [{"slug": "x"}]}))
    with pytest.raises(CommandError, match=r"rien n'a été enregistré.*colleges\[0\]\.name"):
        call_command("load_content", str(bad))


@pytest.mark.django_db
def test_command_refuses_invalid_json_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"colleges": [\n  {"slug": }\n]}')
    with pytest.raises(CommandError, match="ligne 2, colonne"):
        call_command("load_content", str(bad))


@pytest.mark.django_db
def test_command_refuses_json_nested_thousands_of_levels_deep(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"pages": ' + "[" * 2000 + "]" * 2000 + "}")
    with pytest.raises(CommandError, match="imbriqué"):
        call_command("load_content", str(deep))


@pytest.mark.django_db
def test_document_nested_deeper_than_any_content_is_refused_with_its_path():
    nested: list = []
    for _ in range(100):
        nested = [nested]
    error = refusal({"pages": nested})
    assert error.path.startswith("pages[0][0]")
    assert "imbriqué" in error.message


@pytest.mark.django_db
def test_seventy_nested_pages_are_refused_and_nothing_written():
    before = snapshot()
    chain: dict = {"type": "standard", "slug": "niveau-70", "title": "Niveau 70"}
    for level in range(69, 0, -1):
        chain = {
            "type": "standard", "slug": f"niveau-{level}", "title": f"Niveau {level}",
            "children": [chain],
        }  # fmt: skip
    error = refusal({"pages": [chain]})
    assert error.path.endswith(".children")
    assert "niveaux" in error.message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_that_only_changes_an_expertise_reports_that_change(tmp_path, capsys):
    load(SMALL)
    changed = with_change(["users", 0, "profile", "expertise"], ["numérique", "logement"])
    report = load(changed)
    assert report, "a changed expertise was reported as no change"
    assert sorted(
        tag.name for tag in Member.objects.get(user__username="amina").expertise.all()
    ) == ["logement", "numérique"]


@pytest.mark.django_db
def test_a_file_that_only_changes_a_members_college_reports_that_change():
    load(SMALL)
    report = load(with_change(["users", 0, "colleges"], ["acteurs-formation"]))
    assert report


@pytest.mark.django_db
def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("load_content", str(tmp_path / "absent.json"))


@pytest.mark.django_db
def test_if_empty_skips_a_site_that_already_has_pages(tmp_path, capsys):
    load(SMALL)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"colleges": [{"slug": "nouveau", "name": "Nouveau collège"}]}))
    call_command("load_content", str(other), "--if-empty")
    assert not College.objects.filter(slug="nouveau").exists()


@pytest.mark.django_db
def test_if_empty_loads_the_demo_and_its_followup_on_an_empty_site(capsys):
    # The loading path of `make run`: an empty site gets the whole demo, follow-up included.
    call_command("load_content", str(DEMO_CONTENT), "--if-empty")
    assert FollowupBoardPage.objects.live().count() == 1
    assert TrackedItem.objects.exclude(status="proposee").exists()
    assert TimelineEntry.objects.exists()
    call_command("load_content", str(DEMO_CONTENT), "--if-empty")
    assert "non rechargé" in capsys.readouterr().out
