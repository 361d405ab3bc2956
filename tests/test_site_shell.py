"""The site's shell: header navigation, breadcrumbs, footer, login and password reset,
restricted pages, legal pages of the demo, responsive images."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.images import ImageFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page

from cms.models import ContributionPage, HomePage, StandardPage
from cms.visibility import Visibility, set_visibility
from tests.conftest import load

User = get_user_model()


def html_of(response) -> str:
    return response.content.decode()


def nav(html: str, label_start: str) -> str:
    """The <nav> element whose aria-label starts with this text."""
    match = re.search(rf'<nav[^>]*aria-label="{label_start}[^"]*">(.*?)</nav>', html, re.S)
    assert match, f"no navigation « {label_start} »"
    return match.group(1)


def links(fragment: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a[^>]*>(.*?)</a>", fragment)
    ]


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


# -- header ----------------------------------------------------------------------------------


def test_header_lists_the_conventions_and_marks_the_current_one(client, demo):
    html = html_of(client.get("/paca/"))
    conventions = nav(html, "Navigation principale")
    assert "Convention régionale Provence-Alpes-Côte d&#x27;Azur" in conventions
    assert re.search(r'<a href="/paca/" aria-current="page">', conventions)


def test_header_lists_the_public_sections_of_the_current_convention(client, demo):
    sections = links(nav(html_of(client.get("/paca/")), "Rubriques"))
    assert sections == [
        "Règlement de fonctionnement",
        "Dossiers thématiques",
        "Rencontres",
        "Suivi des préconisations",
    ]


def test_members_see_the_directory_among_the_sections(client, demo):
    sections = links(nav(html_of(login(client, "membre").get("/paca/")), "Rubriques"))
    assert "Annuaire des membres" in sections


def test_a_section_restricted_to_other_colleges_is_not_in_the_header(client, demo):
    reglement = Page.objects.get(url_path="/accueil/paca/reglement/")
    set_visibility(reglement, Visibility.colleges(["personnes-accompagnees"]))
    hidden = links(nav(html_of(login(client, "membre").get("/paca/")), "Rubriques"))
    client.logout()
    shown = links(nav(html_of(login(client, "referente").get("/paca/")), "Rubriques"))
    assert "Règlement de fonctionnement" not in hidden
    assert "Règlement de fonctionnement" in shown


def test_the_current_section_is_marked_on_the_pages_below_it(client, demo):
    html = html_of(client.get("/paca/dossiers/non-recours-numerique/"))
    sections = nav(html, "Rubriques")
    assert re.search(r'<a href="/paca/dossiers/" aria-current="true">', sections)
    assert 'aria-current="page"' not in sections


def test_pages_outside_a_convention_have_no_section_bar(client, demo):
    assert "Rubriques" not in html_of(client.get("/"))
    assert "Rubriques" not in html_of(client.get("/recherche/?q=logement"))


def test_breadcrumbs_go_from_home_to_the_current_page(client, demo):
    html = html_of(client.get("/paca/dossiers/non-recours-numerique/"))
    trail = nav(html, "Fil d’Ariane")
    assert links(trail) == [
        "Réseau des acteurs du travail social",
        "Convention régionale Provence-Alpes-Côte d&#x27;Azur",
        "Dossiers thématiques",
    ]
    assert '<span aria-current="page">Non-recours et fracture numérique</span>' in trail


# -- footer ----------------------------------------------------------------------------------


def test_footer_links_the_legal_and_help_pages_in_order(client, demo):
    footer = links(nav(html_of(client.get("/")), "Informations sur le site"))
    expected = ["Mentions légales", "Données personnelles", "Aide"]
    if StandardPage.objects.filter(footer_role="accessibilite").exists():
        expected.insert(2, "Déclaration d&#x27;accessibilité")
    assert footer == expected


def test_footer_links_the_accessibility_declaration_once_it_exists(client, demo):
    StandardPage.objects.filter(footer_role="accessibilite").delete()
    before = links(nav(html_of(client.get("/")), "Informations sur le site"))
    load(
        {
            "pages": [
                {
                    "type": "standard",
                    "slug": "accessibilite-test",
                    "title": "Déclaration d'accessibilité",
                    "footer_role": "accessibilite",
                }
            ]
        }
    )
    after = links(nav(html_of(client.get("/")), "Informations sur le site"))
    assert "Déclaration d&#x27;accessibilité" not in before
    assert after == [
        "Mentions légales",
        "Données personnelles",
        "Déclaration d&#x27;accessibilité",
        "Aide",
    ]


def test_footer_leaves_out_a_page_the_reader_may_not_see(client, demo):
    set_visibility(StandardPage.objects.get(footer_role="aide"), Visibility.members())
    assert "Aide" not in links(nav(html_of(client.get("/")), "Informations sur le site"))


def test_footer_pages_are_looked_up_once_per_request(demo):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="membre")
    template = Template("{% load intranet %}{% footer_links as a %}{% footer_links as b %}")
    with CaptureQueriesContext(connection) as queries:
        template.render(Context({"request": request}))
    standard_queries = [q for q in queries if "cms_standardpage" in q["sql"]]
    assert len(standard_queries) == 1


# -- legal pages of the demo -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role, words",
    [
        ("mentions_legales", ["Qui publie ce site", "Qui héberge ce site"]),
        ("donnees_personnelles", ["Combien de temps", "Vos droits", "/mes-donnees/"]),
        ("aide", ["Se connecter", "Mot de passe oublié ?", "Lire plus grand"]),
    ],
)
def test_demo_has_each_legal_page_under_the_home_page(client, demo, role, words):
    page = StandardPage.objects.get(footer_role=role)
    assert page.get_parent().specific_class is HomePage
    html = html_of(client.get(page.url))
    assert html.count("<h1") == 1
    for word in words:
        assert word in html


def test_standard_page_shows_intro_and_headings(client, demo):
    html = html_of(client.get(StandardPage.objects.get(footer_role="aide").url))
    assert '<div class="lead rich-text">' in html
    assert "<h2>Se connecter</h2>" in html


# -- login and password reset ----------------------------------------------------------------


def test_login_page_offers_the_forgotten_password_link(client, demo):
    html = html_of(client.get("/connexion/"))
    assert '<a href="/mot-de-passe/oublie/">Mot de passe oublié ?</a>' in html


def request_reset(client, email: str):
    return client.post("/mot-de-passe/oublie/", {"email": email})


def test_password_reset_sends_a_french_email_with_an_absolute_link(client, demo, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://intranet.exemple.org"
    user = User.objects.get(username="membre")
    response = request_reset(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "mot de passe" in message.subject
    assert "Pour choisir un nouveau mot de passe" in message.body
    assert re.search(r"https://intranet\.exemple\.org/mot-de-passe/nouveau/\S+/\S+/", message.body)


def test_an_unknown_email_gets_the_same_neutral_answer(client, demo):
    response = request_reset(client, "personne@inconnu.example")
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert mail.outbox == []
    html = html_of(client.get(response["Location"]))
    assert "Si cette adresse correspond à un compte" in html


def test_an_invalid_email_gets_a_french_error(client, demo):
    html = html_of(request_reset(client, "pas-une-adresse"))
    assert "Cette adresse e-mail n&#x27;est pas valide" in html


def test_the_link_lets_the_member_choose_a_new_password_and_log_in(client, demo):
    user = User.objects.get(username="membre")
    request_reset(client, user.email)
    link = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in html_of(form_page)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "Un-tres-bon-secret-42", "new_password2": "Un-tres-bon-secret-42"},
    )
    assert response["Location"] == "/mot-de-passe/nouveau/termine/"
    assert "Votre nouveau mot de passe est enregistré" in html_of(client.get(response["Location"]))
    assert client.login(username="membre", password="Un-tres-bon-secret-42")


def test_a_used_link_says_it_is_no_longer_valid(client, demo):
    html = html_of(client.get("/mot-de-passe/nouveau/MQ/mauvais-jeton/"))
    assert "Ce lien n’est plus valable" in html


def test_a_new_member_without_a_password_yet_can_ask_for_the_link(client, demo):
    user = User.objects.get(username="membre")
    user.set_unusable_password()
    user.save()
    request_reset(client, user.email)
    assert len(mail.outbox) == 1


# -- restricted pages ------------------------------------------------------------------------


def test_anonymous_reader_of_a_restricted_page_learns_who_may_see_it(client, demo):
    response = client.get("/paca/annuaire/", follow=True)
    html = html_of(response)
    assert response.redirect_chain[-1][0].startswith("/connexion/?next=")
    assert "La page que vous voulez ouvrir est réservée" in html
    assert "les membres de la convention" in html
    assert 'href="/rejoindre/"' in html


def test_logged_in_reader_of_a_closed_page_learns_who_may_see_it_and_how_to_join(client, demo):
    contribution = ContributionPage.objects.get(slug="entre-nous-numerique")
    response = login(client, "membre").get(contribution.url)
    html = html_of(response)
    assert response.status_code == 403
    assert "Personnes accompagnées" in html
    assert 'href="/rejoindre/"' in html


def test_generic_403_page_offers_login_and_joining(client, demo):
    request = RequestFactory().get("/documents/1/x.pdf")
    request.user = AnonymousUser()
    html = Template('{% include "403.html" %}').render(
        Context({"request": request, "user": request.user})
    )
    assert "/connexion/?next=" in html
    assert 'href="/rejoindre/"' in html


# -- images ----------------------------------------------------------------------------------


@pytest.fixture
def picture(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    PILImage.new("RGB", (1600, 900), "#1d4e89").save(buffer, "PNG")
    return Image.objects.create(title="Atelier", file=ImageFile(buffer, name="atelier.png"))


def test_image_blocks_are_responsive_lazy_renditions(picture):
    from cms.blocks import ImageBlock

    block = ImageBlock()
    html = block.render(block.to_python({"image": picture.pk, "alt": "Un atelier", "caption": ""}))
    img = re.search(r"<img[^>]*>", html).group(0)
    assert re.search(r'srcset="[^"]*400w,[^"]*800w,[^"]*1200w"', img)
    assert 'sizes="' in img
    assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
    assert 'loading="lazy"' in img
    assert 'decoding="async"' in img
    assert 'alt="Un atelier"' in img
    assert picture.file.url not in img  # never the original upload


def test_decorative_image_keeps_an_empty_alt(picture):
    from cms.blocks import ImageBlock

    block = ImageBlock()
    html = block.render(block.to_python({"image": picture.pk, "alt": "", "caption": ""}))
    assert 'alt=""' in html
