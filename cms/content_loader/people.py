"""Colleges, territories, organisations, then accounts with their member profiles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cms.content_loader.base import LoaderBase
from cms.content_loader.errors import ContentError
from cms.content_loader.values import (
    TAG_LENGTH,
    check_keys,
    read_bool,
    read_choice,
    read_date,
    read_slug,
    read_strings,
    read_text,
    read_url,
)
from cms.content_loader.writing import upsert
from members.memberships import set_colleges
from members.models import College, Member, Organisation, Territory
from members.roles import ROLES, apply_roles


class PeopleLoader(LoaderBase):
    """Loads the ``colleges``, ``territories``, ``organisations`` and ``users`` lists."""

    def _load_college(self, entry: Any, path: str) -> str:
        check_keys(entry, path, {"slug", "name", "description"}, required=("slug", "name"))
        slug = read_slug(entry, "slug", path)
        name = read_text(entry, "name", path, max_length=150)
        clash = College.objects.filter(name=name).exclude(slug=slug).first()
        if clash:
            raise ContentError(f"{path}.name", f"le collège « {clash.slug} » porte déjà ce nom")
        upsert(
            College,
            {"slug": slug},
            {
                "name": name,
                "description": read_text(entry, "description", path),
                "sort_order": int(path[9:-1]),
            },
            self.report,
            "collège(s)",
            path,
        )
        return slug

    def _load_territory(self, entry: Any, path: str) -> str:
        check_keys(entry, path, {"slug", "name", "parent", "kind"}, required=("slug", "name"))
        slug = read_slug(entry, "slug", path)
        parent = self._optional_ref(Territory, entry, "parent", path)
        if parent is not None and (parent.slug == slug or slug in self._ancestor_slugs(parent)):
            raise ContentError(f"{path}.parent", "un territoire ne peut pas être son propre parent")
        default_kind = Territory.Kind.DEPARTEMENT if parent else Territory.Kind.REGION
        values = {
            "name": read_text(entry, "name", path, max_length=150),
            "parent": parent,
            "kind": read_choice(entry, "kind", path, Territory.Kind.values, default_kind),
        }
        upsert(Territory, {"slug": slug}, values, self.report, "territoire(s)", path)
        return slug

    @staticmethod
    def _ancestor_slugs(territory: Territory | None) -> set[str]:
        slugs: set[str] = set()
        while territory is not None and territory.slug not in slugs:
            slugs.add(territory.slug)
            territory = territory.parent
        return slugs

    def _load_organisation(self, entry: Any, path: str) -> str:
        allowed = {
            "slug",
            "name",
            "college",
            "territory",
            "adhesion_date",
            "website",
            "type",
            "status",
            "description",
        }
        check_keys(entry, path, allowed, required=("slug", "name", "college"))
        slug = read_slug(entry, "slug", path)
        values = {
            "name": read_text(entry, "name", path, max_length=200),
            "college": self._ref(College, entry["college"], f"{path}.college"),
            "territory": self._optional_ref(Territory, entry, "territory", path),
            "adhesion_date": read_date(entry, "adhesion_date", path),
            "website": read_url(entry, "website", path),
            "type": read_choice(
                entry, "type", path, Organisation.Type.values, Organisation.Type.ASSOCIATION
            ),
            "status": read_choice(
                entry, "status", path, Organisation.Status.values, Organisation.Status.ACTIVE
            ),
            "description": read_text(entry, "description", path),
        }
        upsert(Organisation, {"slug": slug}, values, self.report, "structure(s)", path)
        return slug

    # -- users and member profiles -----------------------------------------

    USER_KEYS = {
        "username", "password", "first_name", "last_name", "email", "colleges", "organisation",
        "roles", "profile", "visibility", "status", "territory",
    }  # fmt: skip
    PROFILE_KEYS = {"fonction", "phone", "address", "bio", "expertise", "show_full_name"}

    def _load_user(self, entry: Any, path: str) -> str:
        check_keys(entry, path, self.USER_KEYS, required=("username",))
        username, email = self._identity(entry, path)
        colleges = self._refs(College, entry, "colleges", path)
        organisation = self._optional_ref(Organisation, entry, "organisation", path)
        roles = self._roles(entry, path, colleges)
        territory = self._optional_ref(Territory, entry, "territory", path)
        profile = entry.get("profile", {}) or {}
        check_keys(profile, f"{path}.profile", self.PROFILE_KEYS)
        visibility = self._visibility_choices(
            entry.get("visibility", {}) or {}, f"{path}.visibility"
        )
        password = entry.get("password")
        if password is not None and (not isinstance(password, str) or not password):
            raise ContentError(f"{path}.password", "un mot de passe non vide est attendu")

        user = upsert(
            get_user_model(),
            {"username": username},
            {
                "first_name": read_text(entry, "first_name", path, max_length=150),
                "last_name": read_text(entry, "last_name", path, max_length=150),
                "email": email,
            },
            self.report,
            "compte(s)",
            path,
        )
        if password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        member = upsert(
            Member,
            {"user": user},
            {
                "organisation": organisation,
                "territory": territory or (organisation.territory if organisation else None),
                "fonction": read_text(profile, "fonction", f"{path}.profile", max_length=200),
                "phone": read_text(profile, "phone", f"{path}.profile", max_length=40),
                "address": read_text(profile, "address", f"{path}.profile"),
                "bio": read_text(profile, "bio", f"{path}.profile"),
                "show_full_name": read_bool(profile, "show_full_name", f"{path}.profile", False),
                "visibility": visibility,
                "status": read_choice(
                    entry, "status", path, Member.Status.values, Member.Status.ACTIVE
                ),
            },
            self.report,
            "profil(s)",
            f"{path}.profile",
        )
        self._load_expertise(member, profile, f"{path}.profile")
        before = self._roles_snapshot(member)
        set_colleges(member, colleges)
        apply_roles(member, roles)
        if self._roles_snapshot(member) != before:
            self.report["collège(s) ou rôle(s) de membre modifié(s)"] += 1
        return username

    @staticmethod
    def _identity(entry: dict, path: str) -> tuple[str, str]:
        """The username and e-mail address, as Django's validators take them."""
        username = read_text(entry, "username", path, max_length=150)
        try:
            get_user_model().username_validator(username)
        except ValidationError:
            raise ContentError(f"{path}.username", f"identifiant invalide « {username} »") from None
        email = read_text(entry, "email", path, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ContentError(
                    f"{path}.email", f"adresse électronique invalide « {email} »"
                ) from None
        return username, email

    @staticmethod
    def _roles(entry: dict, path: str, colleges: list[College]) -> list[str]:
        roles = read_strings(entry, "roles", path)
        for index, role in enumerate(roles):
            if role not in ROLES:
                raise ContentError(
                    f"{path}.roles[{index}]",
                    f"rôle « {role} » inconnu ; attendu : {', '.join(ROLES)}",
                )
        if "referent" in roles and not colleges:
            raise ContentError(f"{path}.roles", "un référent doit appartenir à au moins un collège")
        return roles

    def _load_expertise(self, member: Member, profile: dict, path: str) -> None:
        expertise = read_strings(profile, "expertise", path)
        for index, tag in enumerate(expertise):
            if len(tag) > TAG_LENGTH:
                raise ContentError(f"{path}.expertise[{index}]", f"{TAG_LENGTH} caractères au plus")
        if sorted(tag.name for tag in member.expertise.all()) != sorted(set(expertise)):
            member.expertise.set(expertise)
            member.save()
            self.report["expertise(s) de membre mise(s) à jour"] += 1

    @staticmethod
    def _roles_snapshot(member: Member) -> tuple:
        member.refresh_from_db(fields=["is_coordination", "is_platform_admin"])
        memberships = sorted(member.memberships.values_list("college_id", "is_referent"))
        return (memberships, member.is_coordination, member.is_platform_admin)

    @staticmethod
    def _visibility_choices(value: Any, path: str) -> dict[str, str]:
        check_keys(value, path, set(Member.VISIBILITY_FIELDS))
        for field, level in value.items():
            if level not in Member.Visibility.values:
                raise ContentError(
                    f"{path}.{field}",
                    f"niveau « {level} » inconnu ; attendu : {', '.join(Member.Visibility.values)}",
                )
        return dict(value)
