"""Everything the intranet stores about one person, as a JSON-ready dict (RGPD access right)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from members.models import AdhesionRequest, Member, NameChangeRequest
from shared.links import absolute_url


def personal_data(user, request=None) -> dict:
    """The account, profile, colleges, contributions and adhesion requests of ``user`` only."""
    member = Member.objects.filter(user=user).select_related("organisation", "territory").first()
    data = {
        "exporte_le": timezone.now(),
        "compte": {
            "identifiant": user.get_username(),
            "prenom": user.first_name,
            "nom": user.last_name,
            "email": user.email,
            "email_en_attente_de_confirmation": member.pending_email if member else "",
            "inscrit_le": user.date_joined,
            "derniere_connexion": user.last_login,
        },
        "profil": _profile(member) if member else None,
        "colleges": _colleges(member) if member else [],
        "contributions": _contributions(member, request) if member else [],
        "demandes_adhesion": _adhesion_requests(user, member),
        "demandes_changement_nom": _name_change_requests(member),
    }
    return data


def _profile(member: Member) -> dict:
    organisation = member.organisation
    return {
        "structure": (
            {"nom": organisation.name, "identifiant": organisation.slug} if organisation else None
        ),
        "territoire": member.territory.name if member.territory else None,
        "fonction": member.fonction,
        "telephone": member.phone,
        "adresse": member.address,
        "presentation": member.bio,
        "expertises": sorted(tag.name for tag in member.expertise.all()),
        # The photo as we keep it (without its metadata); the address opens for its owner.
        "photo": absolute_url(member.photo.file.url) if member.photo else None,
        "visibilite": {
            field: member.visibility_of(field) for field in [*Member.VISIBILITY_FIELDS, "photo"]
        },
        "afficher_nom_complet": member.show_full_name,
        "statut": member.get_status_display(),
        "membre_depuis": member.joined_on,
        "fin_adhesion": member.left_on,
        "consentement_le": member.consent_at,
        "suppression_demandee_le": member.removal_requested_at,
        "coordination": member.is_coordination,
    }


def _colleges(member: Member) -> list[dict]:
    return [
        {
            "nom": membership.college.name,
            "identifiant": membership.college.slug,
            "referent": membership.is_referent,
            "depuis": membership.since,
        }
        for membership in member.memberships.select_related("college")
    ]


def _contributions(member: Member, request=None) -> list[dict]:
    return [
        {
            "titre": page.title,
            "url": page.get_full_url(request) or page.url_path,
            "date": page.date,
            "publiee": page.live,
        }
        for page in member.contributions.order_by("-date")
    ]


def _adhesion_requests(user, member: Member | None) -> list[dict]:
    """The requests that created this member's account, found by that link alone.

    Never by e-mail address: anyone may file a request under another person's address,
    and an account's address can change, so an address says nothing of whose data it is.
    """
    if member is None:
        return []
    return [
        {
            "recue_le": adhesion.created_at,
            "demande_pour": adhesion.get_kind_display(),
            "college": adhesion.college.name,
            "structure": adhesion.organisation_name,
            "prenom": adhesion.first_name,
            "nom": adhesion.last_name,
            "email": adhesion.email,
            "telephone": adhesion.phone,
            "fonction": adhesion.fonction,
            "message": adhesion.message,
            "consentement_le": adhesion.consent_at,
            "statut": adhesion.get_status_display(),
        }
        for adhesion in AdhesionRequest.objects.filter(member=member).select_related("college")
    ]


def _name_change_requests(member: Member | None) -> list[dict]:
    """The name changes this member asked for, and what coordination decided."""
    if member is None:
        return []
    return [
        {
            "demandee_le": request_obj.created_at,
            "prenom_actuel": request_obj.previous_first_name,
            "nom_actuel": request_obj.previous_last_name,
            "prenom": request_obj.first_name,
            "nom": request_obj.last_name,
            "motif": request_obj.reason,
            "statut": request_obj.get_status_display(),
            "decidee_le": request_obj.decided_at,
            "message_coordination": request_obj.decision_note,
        }
        for request_obj in NameChangeRequest.objects.filter(member=member).order_by("created_at")
    ]


# -- the same copy as a spreadsheet ------------------------------------------------------

SECTIONS = {
    "compte": "Compte",
    "profil": "Profil",
    "colleges": "Collège",
    "contributions": "Contribution",
    "demandes_adhesion": "Demande d’adhésion",
    "demandes_changement_nom": "Demande de changement de nom",
}
LABELS = {
    "identifiant": "Identifiant",
    "prenom": "Prénom",
    "nom": "Nom",
    "email": "Adresse électronique",
    "email_en_attente_de_confirmation": "Nouvelle adresse en attente de confirmation",
    "inscrit_le": "Inscrit·e le",
    "derniere_connexion": "Dernière connexion",
    "structure": "Structure",
    "territoire": "Territoire",
    "fonction": "Fonction",
    "telephone": "Téléphone",
    "adresse": "Adresse postale",
    "presentation": "Présentation",
    "expertises": "Expertises",
    "photo": "Photo",
    "visibilite": "Visibilité",
    "phone": "téléphone",
    "address": "adresse postale",
    "bio": "présentation",
    "expertise": "expertises",
    "afficher_nom_complet": "Nom complet affiché",
    "statut": "Statut",
    "membre_depuis": "Membre depuis",
    "fin_adhesion": "Fin d’adhésion",
    "consentement_le": "Consentement donné le",
    "suppression_demandee_le": "Suppression demandée le",
    "coordination": "Membre de la coordination",
    "referent": "Référent·e",
    "depuis": "Depuis",
    "titre": "Titre",
    "url": "Adresse",
    "date": "Date",
    "publiee": "Publiée",
    "recue_le": "Reçue le",
    "demande_pour": "Demande pour",
    "college": "Collège",
    "message": "Message",
    "demandee_le": "Demandée le",
    "prenom_actuel": "Prénom au moment de la demande",
    "nom_actuel": "Nom au moment de la demande",
    "motif": "Motif",
    "decidee_le": "Décidée le",
    "message_coordination": "Message de la coordination",
}
SPREADSHEET_HEADER = ["Rubrique", "Information", "Valeur"]


def _readable(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return ", ".join(_readable(item) for item in value)
    return str(value)


def _entries(values: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(label, value) for every field; a nested group reads « Visibilité › téléphone »."""
    for key, value in values.items():
        label = prefix + LABELS.get(key, key)
        if key == "visibilite":
            levels = dict(Member.Visibility.choices)
            for field, level in value.items():
                yield f"{label} › {LABELS.get(field, field)}", str(levels.get(level, level))
        elif isinstance(value, dict):
            yield from _entries(value, f"{label} › ")
        else:
            yield label, _readable(value)


def personal_data_rows(data: dict) -> list[list[str]]:
    """The copy as rows of (section, field, value), for people who open it in a spreadsheet."""
    rows = [["Copie", "Exportée le", _readable(data["exporte_le"])]]
    for key, section in SECTIONS.items():
        value = data[key]
        if isinstance(value, dict):
            rows += [[section, label, text] for label, text in _entries(value)]
        elif isinstance(value, list):
            for number, item in enumerate(value, start=1):
                rows += [[f"{section} {number}", label, text] for label, text in _entries(item)]
    return rows
