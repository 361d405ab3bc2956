"""The admin's « Compte » page keeps to the site's rules for a person's name and address.

Wagtail lets anyone with admin access retype their first name, last name and e-mail
address there. On this site a name changes only once coordination confirms it
(``members.name_change``) and an address only once its owner follows the link sent to it
(``members.email_change``), both from « Mon profil »: the admin's name and e-mail panel
would skip both. It is not shown, and a form posted to it anyway is not read (Wagtail
reads only the panels it shows).

The profile picture panel goes too: a member's photo is set on « Mon profil » with its own
visibility (``members.photos``); a Wagtail avatar would be a second photo outside that
rule, and ``/media/`` serves only the site's checked images, so it would never show.
"""

from __future__ import annotations

from wagtail.admin.views.account import AvatarSettingsPanel, NameEmailSettingsPanel


def _not_shown(self) -> bool:
    return False


NameEmailSettingsPanel.is_active = _not_shown
AvatarSettingsPanel.is_active = _not_shown
