"""Colleges, territories, organisations and member profiles of the convention."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase


class College(models.Model):
    """A collège of the convention. It owns an auth group so Wagtail restrictions work on it."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="college",
        editable=False,
        verbose_name=_("groupe"),
    )
    referents_group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="college_of_referents",
        editable=False,
        null=True,
        verbose_name=_("groupe des référents"),
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.group = self._named_group(
            self.group if self.group_id else None, self.group_name_for(self.name)
        )
        self.referents_group = self._named_group(
            self.referents_group if self.referents_group_id else None,
            self.referents_group_name_for(self.name),
        )
        super().save(*args, **kwargs)

    @staticmethod
    def _named_group(group: Group | None, name: str) -> Group:
        if group is None:
            return Group.objects.get_or_create(name=name)[0]
        if group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        return group

    @staticmethod
    def group_name_for(name: str) -> str:
        return f"Collège : {name}"

    @staticmethod
    def referents_group_name_for(name: str) -> str:
        return f"Référents : {name}"


class Territory(models.Model):
    """Regional coordination and local comités: region > département / bassin."""

    class Kind(models.TextChoices):
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        BASSIN = "bassin", _("Bassin de vie")
        COMMUNE = "commune", _("Commune")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("niveau"), max_length=20, choices=Kind.choices, default=Kind.REGION)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("territoire parent"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> set[int]:
        """Ids of this territory and every territory below it (one query)."""
        children_of: dict[int | None, list[int]] = {}
        for pk, parent_id in Territory.objects.values_list("pk", "parent_id"):
            children_of.setdefault(parent_id, []).append(pk)
        found, todo = set(), [self.pk]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(children_of.get(current, []))
        return found


class Organisation(models.Model):
    """A structure that joined (or may join) the convention."""

    class Type(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        ETABLISSEMENT = "etablissement", _("Établissement ou service")
        ADMINISTRATION = "administration", _("Administration de l'État")
        COLLECTIVITE = "collectivite", _("Collectivité territoriale")
        SYNDICAT = "syndicat", _("Syndicat")
        ORGANISME_FORMATION = "organisme_formation", _("Organisme de formation")
        ORGANISME_SOCIAL = "organisme_social", _("Organisme de protection sociale")
        COLLECTIF_HABITANTS = "collectif_habitants", _("Collectif d'habitants")
        AUTRE = "autre", _("Autre")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Adhérente")
        FORMER = "former", _("Ancienne adhérente")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    type = models.CharField(
        _("type"), max_length=30, choices=Type.choices, default=Type.ASSOCIATION
    )
    college = models.ForeignKey(
        College, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("collège")
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("territoire"),
    )
    website = models.URLField(_("site internet"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    adhesion_date = models.DateField(
        _("date d'adhésion"),
        null=True,
        blank=True,
        help_text=_("Date de signature de la convention. Vide si la structure n'a pas signé."),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")

    def __str__(self) -> str:
        return self.name


class ExpertiseTag(TaggedItemBase):
    content_object = ParentalKey(
        "members.Member", on_delete=models.CASCADE, related_name="tagged_expertise"
    )


# The expertise tags' reverse relation comes from a ParentalKey on taggit's TaggedItemBase,
# neither of which is typed: django-stubs cannot resolve its manager.
class Member(ClusterableModel):  # type: ignore[django-manager-missing]
    """The profile of a person taking part in the convention."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACTIVE = "active", _("Actif")
        FORMER = "former", _("Ancien membre")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Tout le monde")
        MEMBERS = "members", _("Les membres de la convention")
        COLLEGE = "college", _("Les membres de mes collèges")
        HIDDEN = "hidden", _("Personne (masqué)")

    # Fields whose visibility each member chooses, with the level used when they did not.
    VISIBILITY_FIELDS = {
        "email": Visibility.MEMBERS,
        "phone": Visibility.COLLEGE,
        "address": Visibility.HIDDEN,
        "bio": Visibility.MEMBERS,
        "expertise": Visibility.MEMBERS,
    }
    # The photo has its own choice, narrower than the contact fields': a face is never shown
    # to « Tout le monde » (members.photos). Not in VISIBILITY_FIELDS, whose forms offer all.
    PHOTO_VISIBILITY_LEVELS = (Visibility.MEMBERS, Visibility.COLLEGE, Visibility.HIDDEN)
    PHOTO_VISIBILITY_DEFAULT = Visibility.MEMBERS

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member",
        verbose_name=_("compte"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("structure"),
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("territoire"),
    )
    colleges: models.ManyToManyField[College, CollegeMembership] = models.ManyToManyField(
        College, through="CollegeMembership", related_name="members", verbose_name=_("collèges")
    )
    fonction = models.CharField(_("fonction"), max_length=200, blank=True)
    # Set from « Mon profil » only (members.photos): an image of the collection « Photos des
    # membres », re-encoded without its metadata, shown as its square rendition.
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    bio = models.TextField(_("présentation"), blank=True)
    expertise = ClusterTaggableManager(
        through=ExpertiseTag, blank=True, verbose_name=_("expertises")
    )
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    visibility = models.JSONField(
        _("visibilité des coordonnées"),
        default=dict,
        blank=True,
        help_text=_("Pour chaque champ : public, members, college ou hidden."),
    )
    show_full_name = models.BooleanField(
        _("afficher mon nom complet"),
        default=False,
        help_text=_(
            "Pour le collège des personnes accompagnées : sans cet accord, seuls le prénom "
            "et l'initiale du nom sont affichés."
        ),
    )
    # An address such as nadia.haddad@… tells the family name the pseudonym hides: it is
    # only shown once the member has agreed to it, for that very address (members.visibility).
    email_shown_with_surname = models.EmailField(
        _("adresse montrée bien qu'elle contienne le nom de famille"),
        blank=True,
        help_text=_(
            "L'adresse que la personne a accepté de montrer alors qu'elle contient son nom "
            "de famille. L'accord vaut pour cette adresse seulement."
        ),
    )
    is_coordination = models.BooleanField(_("coordination"), default=False)
    is_platform_admin = models.BooleanField(_("administration de la plateforme"), default=False)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    consent_at = models.DateTimeField(_("date du consentement"), null=True, blank=True)
    removal_requested_at = models.DateTimeField(
        _("suppression demandée le"),
        null=True,
        blank=True,
        help_text=_("Renseigné quand le membre demande la suppression de ses données."),
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # A new e-mail address only replaces the account's once its owner follows the link sent
    # to it (members.email_change): until then the old address, and its password resets, stay.
    pending_email = models.EmailField(_("nouvelle adresse en attente de confirmation"), blank=True)
    pending_email_requested_at = models.DateTimeField(
        _("nouvelle adresse demandée le"), null=True, blank=True
    )
    joined_on = models.DateField(_("membre depuis"), null=True, blank=True)
    left_on = models.DateField(_("fin d'adhésion"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_active_member(self) -> bool:
        return self.status == self.Status.ACTIVE

    def visibility_of(self, field: str) -> str:
        level = self.visibility.get(field)
        if field == "photo":
            return level if level in self.PHOTO_VISIBILITY_LEVELS else self.PHOTO_VISIBILITY_DEFAULT
        if level in self.Visibility.values:
            return level
        return self.VISIBILITY_FIELDS[field]


class CollegeMembership(models.Model):
    """A member's place in one college; referents moderate their college."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="memberships")
    is_referent = models.BooleanField(_("référent du collège"), default=False)
    since = models.DateField(_("depuis"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "college"], name="unique_member_college")
        ]
        verbose_name = _("appartenance à un collège")
        verbose_name_plural = _("appartenances aux collèges")

    def __str__(self) -> str:
        return f"{self.member} — {self.college}"


class AlreadyDecided(Exception):
    """The request is no longer pending: it cannot be decided again, nothing was changed."""


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("À examiner")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")


def decision_status_field(status: type[models.TextChoices]) -> models.CharField:
    """The status of a ``DecidedRequest``, among ``status``'s choices, pending at first."""
    return models.CharField(
        _("statut"), max_length=20, choices=status.choices, default=DecisionStatus.PENDING
    )


class DecidedRequest(models.Model):
    """A request coordination decides once (adhesion, name change): pending, then accepted
    or declined, when, by whom and with what message. ``members.admin_decision`` is its
    admin's decision view."""

    Status: type[models.TextChoices] = DecisionStatus

    status = decision_status_field(DecisionStatus)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decision_note = models.TextField(_("motif ou commentaire"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == DecisionStatus.PENDING

    @classmethod
    def locked_pending(cls, pk: int, *related: str) -> Self:
        """The request read again under a row lock (so that two decisions cannot both go
        through), in a transaction; ``AlreadyDecided`` when it is no longer pending."""
        locked = cls._default_manager.select_for_update().select_related(*related).get(pk=pk)
        if not locked.is_pending:
            raise AlreadyDecided
        return locked

    def record_decision(self, status: str, by_user, note: str = "", **fields: Any) -> None:
        """Mark the request decided now by ``by_user``, and save it (with ``fields``)."""
        self.status = status
        self.decided_at = timezone.now()
        self.decided_by = by_user
        self.decision_note = note.strip()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "decided_at", "decided_by", "decision_note", *fields])


class AdhesionRequest(DecidedRequest):
    """A request to join the convention, made on the public form and decided by coordination."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Une structure")
        PERSON = "person", _("Une personne, à titre individuel")

    Status = DecisionStatus

    kind = models.CharField(
        _("demande pour"), max_length=20, choices=Kind.choices, default=Kind.PERSON
    )
    college = models.ForeignKey(
        College,
        on_delete=models.PROTECT,
        related_name="adhesion_requests",
        verbose_name=_("collège"),
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adhesion_requests",
        verbose_name=_("territoire"),
    )
    organisation_name = models.CharField(_("nom de la structure"), max_length=200, blank=True)
    organisation_type = models.CharField(
        _("type de structure"), max_length=30, choices=Organisation.Type.choices, blank=True
    )
    website = models.URLField(_("site internet"), blank=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    fonction = models.CharField(_("fonction"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"))
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("membre créé"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("structure créée"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")

    def __str__(self) -> str:
        who = self.organisation_name or f"{self.first_name} {self.last_name}"
        return f"{who} ({self.get_status_display()})"


class NameChangeRequest(DecidedRequest):
    """A member asks for their name to change; coordination confirms or refuses it.

    The account's name only changes when coordination confirms (members.name_change).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À examiner")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")
        CANCELLED = "cancelled", _("Annulée par le membre")

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="name_change_requests",
        verbose_name=_("membre"),
    )
    first_name = models.CharField(_("nouveau prénom"), max_length=150)
    last_name = models.CharField(_("nouveau nom"), max_length=150)
    # The name when the request was made: coordination sees what would change.
    previous_first_name = models.CharField(_("prénom actuel"), max_length=150, blank=True)
    previous_last_name = models.CharField(_("nom actuel"), max_length=150, blank=True)
    reason = models.TextField(_("motif donné par le membre"), blank=True)
    # A member may withdraw a pending request: one choice more than an adhesion request.
    status = decision_status_field(Status)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decision_note = models.TextField(_("message de la coordination"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de changement de nom")
        verbose_name_plural = _("demandes de changement de nom")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="one_pending_name_change_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_status_display()})"

    @property
    def new_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def previous_name(self) -> str:
        return f"{self.previous_first_name} {self.previous_last_name}".strip()
