"""The site of a request and its home page are kept until the next change of content
(cms/site_lookup.py): no query for them on the next request, and a change is seen at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape
from wagtail.models import Page, Site

from cms.models import ConventionPage
from tests.sql_reads import get_with_sql, reads

pytestmark = pytest.mark.django_db

SITE_READ = 'FROM "wagtailcore_site"'
HOME_READ = 'FROM "cms_homepage"'


@pytest.fixture
def member_client(client, demo):
    client.force_login(get_user_model().objects.get(username="membre"))
    return client


def test_the_next_request_reads_neither_the_site_nor_its_home_page(member_client):
    response, first = get_with_sql(member_client, "/paca/")
    assert response.status_code == 200
    assert reads(first, SITE_READ) >= 1 and reads(first, HOME_READ) == 1
    response, second = get_with_sql(member_client, "/paca/")
    assert response.status_code == 200
    assert (reads(second, SITE_READ), reads(second, HOME_READ)) == (0, 0)


def test_a_site_given_another_home_page_serves_it_on_the_next_request(member_client):
    member_client.get("/")
    convention = ConventionPage.objects.live().first()
    site = Site.objects.get(is_default_site=True)
    site.root_page = convention
    site.save()
    assert f"<h1>{escape(convention.title)}</h1>" in member_client.get("/").content.decode()


def test_each_host_name_gets_its_own_site(member_client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.example"]
    other_home = ConventionPage.objects.live().first()
    Site.objects.create(hostname="autre.example", port=80, root_page=other_home)
    default_home = Page.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    member_client.get("/")  # the default site, now kept
    other = member_client.get("/", headers={"host": "autre.example"}).content.decode()
    assert f"<h1>{escape(other_home.title)}</h1>" in other
    assert f"<h1>{escape(default_home.title)}</h1>" not in other
