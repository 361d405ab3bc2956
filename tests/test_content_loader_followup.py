"""The content loader's follow-up data: préconisations[i].followup of a contribution."""

import pytest

from cms.content_loader import ContentError
from cms.followup.models import Status, TrackedItem
from tests.conftest import load
from tests.test_content_loader import CONTRIBUTION, CONTRIBUTION_PATH, snapshot, with_change

FOLLOWUP = {
    "status": "en_cours",
    "carrier_organisations": ["uriopss"],
    "carrier_people": ["amina"],
    "target_date": "2021-06-30",
    "progress": 40,
    "timeline": [
        {"date": "2020-01-10", "author": "amina", "status": "retenue", "text": "Retenue."},
        {"date": "2020-06-10", "status": "en_cours", "progress": 40, "text": "Premiers essais.",
         "evidence": "paca/rencontres/pleniere"},
    ],
}  # fmt: skip
PATH = CONTRIBUTION_PATH + ".preconisations[0].followup"


def with_followup(**changes) -> dict:
    followup = {**FOLLOWUP, **changes}
    return with_change(
        CONTRIBUTION + ["preconisations"], [{"title": "Simplifier", "followup": followup}]
    )


@pytest.mark.django_db
def test_followup_data_sets_the_items_fields_and_timeline():
    load(with_followup())
    item = TrackedItem.objects.get()
    assert (item.status, item.progress, str(item.target_date)) == (
        Status.EN_COURS,
        40,
        "2021-06-30",
    )
    assert [org.slug for org in item.carrier_organisations.all()] == ["uriopss"]
    latest, first = item.entries.all()
    assert [change["after"] for change in first.changes] == ["Retenue"]
    assert [change["before"] for change in latest.changes][0] == "Retenue"
    assert latest.evidence_page.slug == "pleniere"
    assert first.author.username == "amina"


@pytest.mark.django_db
def test_loading_followup_data_twice_changes_nothing():
    data = with_followup()
    load(data)
    before = snapshot()
    assert not load(data)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"status": "terminee"}, ".status"),
        ({"status": "realisee"}, ".status"),  # the timeline ends on « en cours »
        ({"progress": 140}, ".progress"),
        ({"carrier_organisations": ["inconnue"]}, ".carrier_organisations[0]"),
        ({"carrier_people": ["personne"]}, ".carrier_people[0]"),
        ({"reason": "Sans objet"}, ".reason"),  # a reason only for réalisée / abandonnée
        ({"timeline": [{"date": "2018-01-01", "text": "Trop tôt"}]}, ".timeline[0].date"),
        ({"timeline": [{"date": "2020-01-01", "text": "Vu", "evidence": "nulle/part"}]},
         ".timeline[0].evidence"),
        ({"timeline": [{"date": "2020-01-01"}]}, ".timeline[0]"),
        ({"couleur": "bleu"}, ".couleur"),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_bad_followup_data_is_refused_with_its_path_and_nothing_written(changes, where):
    before = snapshot()
    with pytest.raises(ContentError) as caught:
        load(with_followup(**changes))
    assert caught.value.path == PATH + where
    assert snapshot() == before


@pytest.mark.django_db
def test_a_closed_item_needs_its_reason():
    timeline = [{"date": "2020-03-01", "status": "abandonnee", "text": "Pas de financement."}]
    with pytest.raises(ContentError) as caught:
        load(with_followup(status="abandonnee", progress=0, timeline=timeline))
    assert caught.value.path == PATH + ".reason"
    load(with_followup(status="abandonnee", progress=0, timeline=timeline, reason="Refusé."))
    assert TrackedItem.objects.get().status_reason == "Refusé."
