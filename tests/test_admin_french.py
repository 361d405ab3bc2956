"""The admin speaks French to editors where the project can reach it (issue 12, item 10).

Wagtail's French catalogue leaves a few screens in English or in broken French: the tree's
root is « Root », a page changed a minute ago shows « Il y a 0 minute », an empty listing
says « Aucun demandes d'adhésion n'a été créé(e) ». The project's locale/ and a migration
of cms fix them; these tests read the admin as the coordination sees it.
"""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page, Task, Workflow

from members.models import AdhesionRequest

ADHESION_INDEX = "/admin/members/adhesionrequest/"
MESSAGES_INDEX = "/admin/messages_coordination/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client, people):
    client.force_login(people["coord"])
    return client


@pytest.fixture
def webmaster(client, db):
    """A client logged in as a superuser, who sees every admin screen."""
    user = get_user_model().objects.create_superuser("webmestre", "webmestre@example.org", "x")
    client.force_login(user)
    return client


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    # Unescaped, so that the assertions read as the editor reads the screen.
    return unescape(response.content.decode())


def test_the_root_page_is_named_in_french_in_the_explorer(coordination):
    html = html_of(coordination, "/admin/pages/")
    assert "Racine du site" in html
    assert ">Root<" not in html and "Root -" not in html


def a_page_under_the_root() -> Page:
    return Page.get_first_root_node().add_child(instance=Page(title="Essai", slug="essai"))


def test_the_explorer_filters_read_as_french(coordination):
    html = html_of(coordination, "/admin/pages/")
    assert "A des sous-pages" in html and "Indifférent" in html
    assert ">Any<" not in html.replace("\n", "").replace(" ", "")


def test_a_page_changed_a_moment_ago_says_a_l_instant(webmaster):
    page = a_page_under_the_root()
    # A date a little ahead of the clock is what Wagtail renders « Il y a 0 minute ».
    later = timezone.now() + timezone.timedelta(days=1)
    Page.objects.filter(pk=page.pk).update(latest_revision_created_at=later)
    html = html_of(webmaster, "/admin/pages/")
    assert "Essai" in html
    assert "À l'instant" in html
    assert "0 minute" not in html


def test_the_page_status_label_is_spelled_statut(webmaster):
    a_page_under_the_root()
    html = html_of(webmaster, "/admin/pages/")
    assert "Statut actuel de la page\u00a0:" in html
    assert "Status actuel" not in html


def test_an_empty_modeladmin_listing_reads_as_french(coordination):
    assert not AdhesionRequest.objects.exists()
    html = html_of(coordination, ADHESION_INDEX)
    assert "La liste des demandes d'adhésion est vide pour l'instant." in html
    assert "créé(e)" not in html and "Aucun demandes" not in html


def test_an_empty_viewset_listing_reads_as_french(coordination):
    html = html_of(coordination, MESSAGES_INDEX)
    assert "La liste des messages à la coordination est vide." in html
    assert "Il n'y a pas de" not in html


def test_a_search_without_result_reads_as_french(coordination):
    html = html_of(coordination, f"{MESSAGES_INDEX}?q=introuvable")
    assert "Aucun résultat parmi les messages à la coordination pour cette recherche." in html
    assert "Aucun(e)" not in html


def test_the_admin_login_form_labels_the_password_in_french(client):
    html = html_of(client, "/admin/login/")
    assert "Mot de passe" in html
    assert "Password" not in html


@pytest.mark.parametrize(
    ("path", "offer"),
    [
        pytest.param("/admin/members/college/", "Ajouter\u00a0: collège", id="modeladmin-listing"),
        pytest.param(
            "/admin/pages/usage/cms/standardpage/", "Ajouter : page de texte", id="page-type-usage"
        ),
    ],
)
def test_the_add_button_reads_without_un_e(webmaster, path, offer):
    html = html_of(webmaster, path)
    assert offer in html
    assert "un(e)" not in html


def test_page_types_have_a_french_plural(webmaster):
    html = html_of(webmaster, "/admin/pages/usage/cms/standardpage/")
    assert "Pages de texte" in html
    assert "Page de textes" not in html


def test_the_page_editor_says_statut_and_explains_the_slug_in_french(webmaster):
    page = a_page_under_the_root()
    html = html_of(webmaster, f"/admin/pages/{page.pk}/edit/")
    assert "Status" not in html.replace("data-w-", "")
    assert "e.g http://domain.com" not in html
    assert "La fin de l'adresse de la page" in html
    assert "Référencé(e)" not in html and "Déverrouillé(e)" not in html


def test_the_site_history_reads_without_e_parenthesis(webmaster):
    a_page_under_the_root()
    html = html_of(webmaster, "/admin/reports/site-history/")
    assert "Créé(e)" not in html


def test_the_dashboard_summary_counts_images_in_lower_case(coordination):
    html = html_of(coordination, "/admin/")
    assert "0 image" in html and "0 document" in html
    assert "0 Image" not in html and "0 Document" not in html


def test_the_page_types_usage_report_names_types_as_written_without_model_names(coordination):
    html = html_of(coordination, "/admin/reports/page-types-usage/results/")
    assert "Page de texte" in html and "Liste des dossiers thématiques" in html
    assert "Page De Texte" not in html and "Liste Des" not in html
    assert "cms.standardpage" not in html and ">App<" not in html.replace(" ", "")


def test_the_account_page_offers_no_english_list_of_time_zones(coordination):
    html = html_of(coordination, "/admin/account/")
    assert "Africa/Abidjan" not in html and "current_time_zone" not in html
    assert "Langue préférée" in html


def test_the_account_page_calls_a_locale_a_language(coordination):
    html = html_of(coordination, "/admin/account/")
    assert "Région" not in html
    assert ">Langue<" in html.replace("\n", "").replace(" ", "")


def test_the_account_page_does_not_change_the_name_without_coordination(coordination, people):
    # A name changes once coordination confirms it, an address once its owner follows the
    # link sent to it (both from « Mon profil »): the admin's name and e-mail panel is gone.
    html = html_of(coordination, "/admin/account/")
    assert 'name="name_email-first_name"' not in html
    assert 'name="name_email-email"' not in html
    coordination.post(
        "/admin/account/",
        {
            "name_email-first_name": "Autre",
            "name_email-last_name": "Nom",
            "name_email-email": "x@example.org",
        },
    )
    user = people["coord"]
    user.refresh_from_db()
    assert (user.first_name, user.email) != ("Autre", "x@example.org")


def test_wagtails_default_workflow_has_a_french_name(coordination):
    for model in (Task, Workflow):
        assert not model.objects.filter(name__contains="Moderators").exists()
    assert Workflow.objects.filter(name__startswith="Approbation par les modérateurs").exists()


def test_the_aging_pages_report_names_no_none_publisher(coordination):
    a_page_under_the_root().save_revision().publish()
    html = html_of(coordination, "/admin/reports/aging-pages/results/")
    assert "None" not in html
    assert "Publiée par" in html


def test_page_types_have_a_french_plural_of_their_own():
    # Django's default plural adds an « s » to the whole name: « page d'accueils ».
    from cms.followup.models import FollowupBoardPage
    from cms.models import HomePage

    assert str(HomePage._meta.verbose_name_plural) == "pages d'accueil"
    assert str(FollowupBoardPage._meta.verbose_name_plural) == "suivis des préconisations"


def test_the_account_page_offers_no_second_photo(coordination):
    # The photo is set on « Mon profil », with its own visibility (members.photos).
    html = html_of(coordination, "/admin/account/")
    assert 'name="avatar-avatar"' not in html
