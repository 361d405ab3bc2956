"""« Règlement : approbations » in the admin (issue 12, item 10): coordination sees which
college approved which version of the règlement, and may download the rows as CSV."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.reglement.models import VersionApproval

pytestmark = pytest.mark.django_db

URL = reverse("reglement_approvals")


def login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_coordination_sees_who_approved_each_version(client, demo):
    approval = VersionApproval.objects.select_related("version", "college").first()
    assert approval is not None, "the demo records approvals of its règlement"
    response = login(client, "coordination").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert approval.college.name in html and approval.version.label in html


def test_the_approvals_download_as_csv(client, demo):
    response = login(client, "coordination").get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert "Collège" in first_line and "Version" in first_line


def test_a_referent_is_sent_back_from_the_approvals_screen(client, demo):
    # Wagtail's admin answers a refusal by going back to its home with a message.
    response = login(client, "referente").get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_the_approvals_screen_reads_in_constant_queries(
    client, demo, django_assert_max_num_queries
):
    login(client, "coordination")
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200
