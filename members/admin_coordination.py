"""Admin screens for coordination only: a model's permission policy and a menu item."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

from members.permissions import is_coordination


class CoordinationPolicy(ModelPermissionPolicy):
    """A model whose admin only coordination uses, for the actions ``allows`` accepts."""

    def allows(self, action: str) -> bool:
        raise NotImplementedError

    def user_has_permission(self, user, action: str) -> bool:
        return self.allows(action) and user.is_authenticated and is_coordination(user)

    def user_has_any_permission(self, user, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


class RestrictedMenuItem(MenuItem):
    """An admin menu item shown only to the users ``shown_to`` accepts."""

    def __init__(self, *args, shown_to: Callable[[object], bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request: HttpRequest) -> bool:
        return self.shown_to(request.user)
