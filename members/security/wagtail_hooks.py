from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from wagtail import hooks

from members.admin_menu import SETTINGS_MENU, restricted_menu_item
from members.security.admin_views import LockoutsView
from members.security.roles import is_coordination_or_admin


@hooks.register("register_admin_urls")
def register_lockout_urls() -> list:
    return [
        path(
            "connexions-suspendues/",
            LockoutsView.as_view(),
            name="members_security_lockouts",
        )
    ]


restricted_menu_item(
    "Connexions suspendues",
    "members_security_lockouts",
    icon="lock",
    order=900,
    shown_to=is_coordination_or_admin,
    menu=SETTINGS_MENU,
)


@hooks.register("register_account_menu_item")
def register_two_factor_account_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("two_factor_setup"),
        "label": "Double authentification",
        "help_text": "Protéger votre compte par un code à usage unique, en plus du mot de passe.",
    }
