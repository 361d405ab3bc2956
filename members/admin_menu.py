"""Items of the admin's menus leading to our own screens, shown only to those who may open
them. Each screen registers its URL (``register_admin_urls``), then its item here."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from members.admin_coordination import RestrictedMenuItem

MAIN_MENU = "register_admin_menu_item"
SETTINGS_MENU = "register_settings_menu_item"


def restricted_menu_item(
    label: str,
    url_name: str,
    *,
    icon: str,
    order: int,
    shown_to: Callable[[object], bool],
    menu: str = MAIN_MENU,
) -> None:
    """An item of ``menu`` leading to the admin URL named ``url_name``, for ``shown_to``."""

    def menu_item() -> MenuItem:
        # Reversed when the menu is built: the admin's URLs are not known yet when hooks load.
        url = reverse(url_name)
        return RestrictedMenuItem(label, url, icon_name=icon, order=order, shown_to=shown_to)

    hooks.register(menu, menu_item)
