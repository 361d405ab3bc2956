"""The e-mails of followed dossiers, written from templates/notifications/emails/."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from cms.dossiers.pages import ContributionPage, DossierPage
from cms.notifications.tokens import unsubscribe_token
from shared.links import absolute_url


@dataclass(frozen=True)
class ContributionNews:
    """What an e-mail says about one contribution."""

    title: str
    kind: str
    date: object
    summary: str
    url: str
    dossier_title: str

    @classmethod
    def of(cls, contribution: ContributionPage, dossier: DossierPage) -> ContributionNews:
        return cls(
            title=contribution.title,
            kind=contribution.get_contribution_type_display(),
            date=contribution.date,
            summary=contribution.summary,
            url=page_link(contribution),
            dossier_title=dossier.title,
        )


def page_link(page) -> str:
    return absolute_url(page.get_url() or "")


def unsubscribe_url(user) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def build_message(user, subject: str, template: str, context: dict, connection) -> EmailMessage:
    """The one builder of follow-up e-mails: the template, its links, one-click unsubscribe."""
    unsubscribe = unsubscribe_url(user)
    context = {
        **context,
        "unsubscribe_url": unsubscribe,
        "settings_url": absolute_url(reverse("notifications:index")),
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string(f"notifications/emails/{template}.txt", context),
        to=[user.email],
        connection=connection,
        # RFC 2369 and RFC 8058: mail programs offer a one-click "unsubscribe" button.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_contribution_email(user, news: ContributionNews, connection=None) -> None:
    subject = f"Nouvelle contribution dans « {news.dossier_title} » : {news.title}"
    build_message(user, subject, "contribution", {"news": news}, connection).send()


def send_digest_email(user, news: list[ContributionNews], connection=None) -> None:
    count = len(news)
    plural = "s" if count > 1 else ""
    subject = f"Dossiers suivis : {count} nouvelle{plural} contribution{plural} cette semaine"
    build_message(user, subject, "digest", {"news": news, "count": count}, connection).send()
