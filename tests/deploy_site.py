"""Changes to the deployed test site, made by a third process (tests/test_deploy_stack.py).

Run from the project directory with the environment of the gunicorn processes (settings
module, ``DATABASE_URL``, ``REDIS_URL``, ``MEDIA_ROOT``), so that its purges of the page
cache go through the same Redis as theirs:

    python tests/deploy_site.py

It reads one command a line on standard input and answers each with one line on standard
output, starting with ``REPLY`` (one process serves the module: Django starts once):

- ``load``: the tree, two readers, their files; answers the URLs of the pages and files;
- ``retitle SLUG TITLE``: publishes a new revision of the page under that title;
- ``restrict SLUG COLLEGE``: restricts the page to that college;
- ``publish SLUG TITLE``: publishes a new contribution in the dossier;
- ``pending``: how many index operations wait for a store (``PendingOperation``);
- ``state``: what the site holds (pages, accounts, documents with their bytes, a search).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import django

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from cms.content_loader import ContentLoader
from cms.models import ContributionAttachment, ContributionPage, DossierPage
from cms.visibility import Visibility, set_visibility
from search.models import PendingOperation
from tests.conftest import COLLEGES

PUBLIC_BYTES = b"%PDF-1.4 compte rendu public"
RESTRICTED_BYTES = b"%PDF-1.4 compte rendu reserve"
PASSWORD = "x-secret-1"
REPLY = "REPLY "

CONTENT = {
    "colleges": COLLEGES,
    "users": [
        {"username": "pa", "password": PASSWORD, "colleges": ["personnes-accompagnees"],
         "roles": ["member"]},
        {"username": "formation", "password": PASSWORD, "colleges": ["acteurs-formation"],
         "roles": ["member"]},
    ],
    "pages": [
        {"type": "convention", "slug": "c", "title": "Convention", "children": [
            {"type": "dossier_index", "slug": "d", "title": "Dossiers", "children": [
                {"type": "dossier", "slug": "ouvert", "title": "Dossier ouvert",
                 "theme": "Éthique", "children": [
                     {"type": "contribution", "slug": "pub", "title": "Contribution publique",
                      "date": "2021-01-01"},
                     {"type": "contribution", "slug": "autre", "title": "Autre contribution",
                      "date": "2021-01-02"},
                     {"type": "contribution", "slug": "pa", "title": "Contribution réservée",
                      "date": "2021-01-03",
                      "visibility": {"colleges": ["personnes-accompagnees"]}},
                 ]},
            ]},
        ]},
    ],
}  # fmt: skip


def attach(slug: str, title: str, content: bytes, name: str) -> tuple[str, str]:
    """A document and an image on the page, published: their URLs."""
    page = ContributionPage.objects.get(slug=slug)
    document = Document.objects.create(title=title, file=ContentFile(content, name=name))
    page.attachments.add(ContributionAttachment(document=document))
    image = Image.objects.create(title=title, file=get_test_image_file(filename=f"{slug}.png"))
    page.body.append(("image", {"image": image, "alt": title, "caption": ""}))
    page.save_revision().publish()
    return document.url, f"/media/{image.file.name}"


def load() -> dict[str, str]:
    ContentLoader(CONTENT).load()
    public_document, public_image = attach("pub", "Public", PUBLIC_BYTES, "public.pdf")
    restricted_document, restricted_image = attach("pa", "Réservé", RESTRICTED_BYTES, "pa.pdf")
    return {
        "public_document": public_document,
        "public_image": public_image,
        "restricted_document": restricted_document,
        "restricted_image": restricted_image,
        "public_page": Page.objects.get(slug="pub").url,
        "other_page": Page.objects.get(slug="autre").url,
    }


def retitle(slug: str, title: str) -> None:
    page = Page.objects.get(slug=slug).specific
    page.title = title
    page.save_revision().publish()


def publish(slug: str, title: str) -> None:
    contribution = ContributionPage(
        title=title, slug=slug, date="2024-01-01", summary="Publiée par un autre processus."
    )
    DossierPage.objects.get(slug="ouvert").add_child(instance=contribution)
    contribution.save_revision().publish()


def pending() -> int:
    return PendingOperation.objects.count()


def restrict(slug: str, college: str) -> None:
    set_visibility(Page.objects.get(slug=slug), Visibility.colleges([college]))


def state() -> dict[str, object]:
    from search.contract import PUBLIC_TOKEN, SearchQuery
    from search.service import run_search

    found = run_search(SearchQuery(text="contribution", reader_tokens=frozenset({PUBLIC_TOKEN})))

    documents = {}
    for document in Document.objects.order_by("title"):
        with document.file.open("rb") as handle:
            documents[document.title] = handle.read().decode("latin-1")
    return {
        "pages": sorted(f"{page.url_path} {page.title}" for page in Page.objects.all()),
        "accounts": sorted(get_user_model().objects.values_list("username", flat=True)),
        "documents": documents,
        "search": sorted(hit.title for hit in found.result.hits),
    }


def answer(line: str) -> object:
    command, *arguments = line.split(" ", 2)
    if command == "load":
        return load()
    if command == "state":
        return state()
    if command == "pending":
        return pending()
    if command == "retitle":
        retitle(*arguments)
    elif command == "restrict":
        restrict(*arguments)
    elif command == "publish":
        publish(*arguments)
    else:
        raise ValueError(f"unknown command {command}")
    return "ok"


if __name__ == "__main__":
    for line in sys.stdin:
        print(REPLY + json.dumps(answer(line.strip())), flush=True)  # noqa: T201
