"""The member's forms speak with one voice: « Rejoindre la convention » and « Mon profil »
accept and refuse the same phone numbers with the same words, and error summaries never
put a colon after a label's own punctuation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from members.adhesion.forms import AdhesionForm
from members.models import Member
from members.phone import PHONE_ERROR
from members.profile.forms import ProfileForm
from tests.test_adhesion import person_data

ACCEPTED = ["04 94 00 00 00", "+33 (0)4 94-00.00.00", "3939", "  06 12 34 56 78  ", ""]
REFUSED = ["appelez-moi", "04 94 00 00 00 poste 12", "+", "01", "0033 4 94 00 00 00 00 00"]


def join_form(phone: str) -> AdhesionForm:
    return AdhesionForm(data=person_data(phone=phone))


def profile_form(phone: str) -> ProfileForm:
    member = Member.objects.get(user__username="membre")
    blank = ProfileForm(instance=member)
    data = {name: field.value() or "" for name, field in ((n, blank[n]) for n in blank.fields)}
    data["phone"] = phone
    return ProfileForm(instance=member, data=data)


@pytest.mark.parametrize("phone", ACCEPTED)
def test_join_form_and_profile_accept_the_same_phone_numbers(demo, phone):
    assert "phone" not in join_form(phone).errors
    assert "phone" not in profile_form(phone).errors


@pytest.mark.parametrize("phone", REFUSED)
def test_join_form_and_profile_refuse_a_bad_phone_number_with_the_same_words(demo, phone):
    assert join_form(phone).errors["phone"] == [PHONE_ERROR]
    assert profile_form(phone).errors["phone"] == [PHONE_ERROR]


def test_both_forms_keep_the_number_as_typed_without_extra_spaces(demo):
    typed = "  +33  4 94 00 00 00 "
    join, profile = join_form(typed), profile_form(typed)
    assert join.is_valid(), join.errors
    assert profile.is_valid(), profile.errors
    assert join.cleaned_data["phone"] == profile.cleaned_data["phone"] == "+33 4 94 00 00 00"


def summary_items(html: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


def test_error_summary_puts_no_colon_after_the_labels_own_full_stop(demo):
    form = join_form("")
    form.data = {**form.data, "consent": ""}
    html = Template('{% include "includes/form_errors.html" %}').render(Context({"form": form}))
    consent = next(item for item in summary_items(html) if "Cochez cette case" in item)
    assert "me répondre : Cochez cette case" in consent
    assert not re.search(r"[.?!:]\s*:", consent), consent


def test_profile_error_summary_puts_no_colon_after_a_question_mark(client, demo):
    client.force_login(get_user_model().objects.get(username="membre"))
    data = dict(profile_form("").data)
    data.update({"phone": "appelez-moi", "visibility_phone": "partout"})
    html = client.post("/mon-profil/", data).content.decode()
    summary = re.search(
        r'<div class="message message--error"[^>]*id="erreurs">(.*?)</div>', html, re.S
    )
    items = summary_items(summary.group(1))
    assert any(item.startswith("Qui peut voir mon téléphone :") for item in items), items
    assert not any(re.search(r"[.?!:]\s*:", item) for item in items), items
