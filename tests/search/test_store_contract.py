"""The search store contract: every store (database, Elasticsearch) passes these tests.

Only the contract API is used (index, delete, search, rebuild, fingerprints, count), so a
store meeting ``search.contract`` passes them whatever its engine. Contract points these
tests pin down, beyond the types:

- every word of the query must match, in any field (title, summary, body, attachments);
  accents, case, plurals and elided articles do not matter;
- an empty query browses: every visible document, newest first;
- a document is visible when all its ACL tokens are among the reader's; invisible
  documents count nowhere: hits, count, snippets, facets, suggestions;
- facets are counted over the same set as the hits (ACL, words and filters), most frequent
  value first, except the years: newest first; empty values are not facet values;
- a snippet is HTML: the text escaped, matched words inside ``<mark>…</mark>``;
- ``suggestion`` is the query as typed with misspelt words replaced by indexed words
  (accents restored; a word spelt as it sounds, « numerik », finds the written one,
  « numérique », through ``search.text.sound``), taken only from documents the reader
  may see, offered when the query finds nothing and the corrected query
  finds documents the reader may see; None when the query already finds documents;
- a filter on a name outside ``FACETS`` is a ValueError.
"""

from __future__ import annotations

import datetime
import re

import pytest

from search.contract import FACETS, PUBLIC_TOKEN, SearchDocument, SearchQuery
from shared.text import fold_accents

# The ``store`` fixture reaches ``db`` through getfixturevalue, which pytest-django cannot
# see when it decides which test databases to create: the mark makes it create them.
pytestmark = pytest.mark.django_db

PUBLIC = frozenset({PUBLIC_TOKEN})


def doc(key: str, title: str = "Sans titre", **fields) -> SearchDocument:
    fields.setdefault("kind", "contribution")
    fields.setdefault("url", f"/{key.replace(':', '-')}/")
    fields.setdefault("acl", (PUBLIC_TOKEN,))
    return SearchDocument(key=key, title=title, **fields)


def search(store, text: str = "", reader=PUBLIC, **options):
    return store.search(SearchQuery(text=text, reader_tokens=frozenset(reader), **options))


def keys(result) -> list[str]:
    return [hit.key for hit in result.hits]


def facet(result, name: str) -> dict[str, int]:
    return {value.value: value.count for value in result.facets[name]}


FILLER = [
    doc("page:901", "Ordre du jour", body="Accueil des participants et tour de table."),
    doc("page:902", "Calendrier", body="Les réunions plénières ont lieu chaque trimestre."),
    doc("page:903", "Contacts", body="Le secrétariat répond aux questions des membres."),
]


def found_among_filler(store, query: str, title: str, **fields) -> list[str]:
    """The keys `query` finds once page:1 (``title``, ``fields``) is indexed among FILLER."""
    store.index([doc("page:1", title, **fields), *FILLER])
    return keys(search(store, query))


# --- French matching ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["evaluation", "évaluation", "ÉVALUATION", "l'evaluation"])
def test_accents_case_and_elisions_do_not_matter(store, typed):
    body = "Retour sur l'évaluation du dispositif."

    assert found_among_filler(store, typed, "Bilan", body=body) == ["page:1"]


def test_elision_with_typographic_apostrophe_is_split(store):
    body = "Retour sur l’évaluation du dispositif."

    assert found_among_filler(store, "évaluation", "Bilan", body=body) == ["page:1"]


def test_accented_query_finds_unaccented_text(store):
    body = "Une evaluation sans accents."

    assert found_among_filler(store, "Évaluation", "Bilan", body=body) == ["page:1"]


def test_plural_finds_singular_and_back(store):
    store.index(
        [
            doc("page:1", "Avis", body="Nos préconisations pour l'année."),
            doc("page:2", "Note", body="Une préconisation unique."),
            *FILLER,
        ]
    )

    assert set(keys(search(store, "preconisation"))) == {"page:1", "page:2"}
    assert set(keys(search(store, "préconisations"))) == {"page:1", "page:2"}


def test_every_word_must_match(store):
    store.index(
        [
            doc("page:1", "Évaluation du projet", body="Méthode."),
            doc("page:2", "Évaluation", body="Méthode."),
            *FILLER,
        ]
    )

    assert keys(search(store, "évaluation projet")) == ["page:1"]


def test_words_may_match_in_different_fields(store):
    body = "Le projet associatif."

    assert found_among_filler(store, "évaluation projet", "Évaluation", body=body) == ["page:1"]


def test_title_match_ranks_above_body_match(store):
    store.index(
        [
            doc(
                "page:1",
                "Compte rendu de la séance",
                body="Les membres ont discuté du budget, puis de l'évaluation, puis du calendrier.",
            ),
            doc("page:2", "Évaluation des pratiques", body="Les membres ont discuté du budget."),
            *FILLER,
        ]
    )

    result = search(store, "évaluation")

    assert keys(result) == ["page:2", "page:1"]
    assert all(isinstance(hit.score, float) for hit in result.hits)
    assert result.hits[0].score > result.hits[1].score


def test_attachment_text_is_found(store):
    store.index(
        [
            doc("document:1", "Annexe", attachments="Grille d'autodiagnostic des structures."),
            *FILLER,
        ]
    )

    assert keys(search(store, "autodiagnostic")) == ["document:1"]


def test_theme_and_authors_are_found(store):
    store.index(
        [
            doc("page:1", "Note", theme="politiques-sociales", authors=("Camille Durand",)),
            *FILLER,
        ]
    )

    assert keys(search(store, "politiques sociales")) == ["page:1"]
    assert keys(search(store, "durand")) == ["page:1"]


def test_very_long_document_is_indexed_and_found(store):
    import random

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    noise = " ".join("".join(rng.choices(letters, k=8)) for _ in range(150_000))
    store.index([doc("document:1", "Rapport complet", attachments=f"subsidiarité {noise}")])

    result = search(store, "subsidiarité")

    assert keys(result) == ["document:1"]
    assert "<mark>" in result.hits[0].snippet


def test_summary_is_found(store):
    summary = "Le référentiel de compétences."

    assert found_among_filler(store, "référentiel", "Synthèse", summary=summary) == ["page:1"]


def test_unknown_word_finds_nothing(store):
    store.index(FILLER)

    result = search(store, "hippopotame")

    assert (result.count, result.hits) == (0, [])


# --- Hits ------------------------------------------------------------------------------


def test_hit_carries_the_document_fields(store):
    store.index(
        [
            doc(
                "page:1",
                "Évaluation interne",
                url="/contributions/evaluation-interne/",
                body="Texte.",
                type="avis",
                colleges=("personnes-accompagnees", "acteurs-formation"),
                theme="evaluation",
                date=datetime.date(2024, 3, 5),
            )
        ]
    )

    (hit,) = search(store, "évaluation").hits

    assert hit.key == "page:1"
    assert hit.title == "Évaluation interne"
    assert hit.url == "/contributions/evaluation-interne/"
    assert hit.type == "avis"
    assert set(hit.colleges) == {"personnes-accompagnees", "acteurs-formation"}
    assert hit.theme == "evaluation"
    assert hit.date == datetime.date(2024, 3, 5)
    assert isinstance(hit.score, float)


def test_snippet_marks_matched_words_and_escapes_html(store):
    store.index(
        [doc("page:1", "Bilan", body="Avant <script>alert(1)</script> l'évaluation & après.")]
    )

    (hit,) = search(store, "evaluation").hits

    assert re.search(r"<mark>[^<]*valuation</mark>", hit.snippet)
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


def test_snippet_comes_from_the_text_around_the_match(store):
    before = " ".join(f"avant{i}" for i in range(300))
    after = " ".join(f"apres{i}" for i in range(300))
    store.index([doc("page:1", "Long", body=f"{before} la subsidiarité est un principe. {after}")])

    (hit,) = search(store, "subsidiarite").hits

    assert "<mark>" in hit.snippet
    assert "avant0 " not in hit.snippet
    assert "apres299" not in hit.snippet
    assert len(re.sub(r"<[^>]+>", "", hit.snippet)) < 1000


# --- ACL -------------------------------------------------------------------------------

SECRET = doc(
    "page:50",
    "Note confidentielle du collège",
    body="Stratégie confidentielle : ne pas diffuser.",
    acl=("r:1",),
    colleges=("college-secret",),
    theme="theme-secret",
    type="type-secret",
    territory="territoire-secret",
    date=datetime.date(2019, 1, 1),
)
OPEN = doc(
    "page:51",
    "Note publique",
    body="Une version confidentielle existe pour le collège.",
    colleges=("college-ouvert",),
    theme="theme-ouvert",
    type="type-ouvert",
    territory="territoire-ouvert",
    date=datetime.date(2024, 1, 1),
)


def test_restricted_document_is_not_a_hit_for_outsiders(store):
    store.index([SECRET, OPEN, *FILLER])

    result = search(store, "confidentielle")

    assert keys(result) == ["page:51"]
    assert result.count == 1


def test_restricted_document_is_not_browsed_by_outsiders(store):
    store.index([SECRET, OPEN, *FILLER])

    result = search(store, "")

    assert "page:50" not in keys(result)
    assert result.count == 1 + len(FILLER)


def test_restricted_text_never_reaches_snippets_of_outsiders(store):
    store.index([SECRET, OPEN, *FILLER])

    for text in ("confidentielle", "note", ""):
        for hit in search(store, text).hits:
            assert "diffuser" not in hit.snippet
            assert "Stratégie" not in hit.snippet


def test_restricted_document_is_not_counted_in_facets_for_outsiders(store):
    store.index([SECRET, OPEN, *FILLER])

    for text in ("confidentielle", ""):
        result = search(store, text)
        assert facet(result, "college") == {"college-ouvert": 1}
        assert facet(result, "theme") == {"theme-ouvert": 1}
        assert facet(result, "type") == {"type-ouvert": 1}
        assert facet(result, "territory") == {"territoire-ouvert": 1}
        assert facet(result, "year") == {"2024": 1}


def test_restricted_document_is_seen_by_holders_of_its_token(store):
    store.index([SECRET, OPEN, *FILLER])

    result = search(store, "confidentielle", reader={PUBLIC_TOKEN, "r:1"})

    assert set(keys(result)) == {"page:50", "page:51"}
    assert facet(result, "college") == {"college-secret": 1, "college-ouvert": 1}


def test_nested_restrictions_need_every_token(store):
    nested = doc("page:60", "Groupe de travail restreint", acl=("r:1", "r:2"))
    store.index([nested, *FILLER])

    assert keys(search(store, "restreint", reader={PUBLIC_TOKEN, "r:1"})) == []
    assert keys(search(store, "restreint", reader={PUBLIC_TOKEN, "r:2"})) == []
    assert keys(search(store, "restreint", reader={PUBLIC_TOKEN, "r:1", "r:2"})) == ["page:60"]


def test_public_document_needs_the_public_token(store):
    store.index([doc("page:1", "Charte de la convention")])

    assert keys(search(store, "charte", reader={PUBLIC_TOKEN})) == ["page:1"]
    assert keys(search(store, "charte", reader=set())) == []


def test_restricted_words_are_never_suggested_to_outsiders(store):
    store.index([SECRET, *FILLER])

    result = search(store, "stratgie")

    assert result.count == 0
    assert result.suggestion is None


def test_reindexing_with_a_narrower_acl_hides_the_document(store):
    store.index([doc("page:1", "Charte de la convention")])
    store.index([doc("page:1", "Charte de la convention", acl=("r:9",))])

    assert keys(search(store, "charte")) == []
    assert keys(search(store, "charte", reader={PUBLIC_TOKEN, "r:9"})) == ["page:1"]


# --- Facets and filters ----------------------------------------------------------------

FACETED = [
    doc(
        "page:1",
        "Rapport annuel",
        colleges=("personnes-accompagnees",),
        theme="evaluation",
        type="avis",
        territory="nord",
        date=datetime.date(2024, 5, 1),
        status="en_cours",
    ),
    doc(
        "page:2",
        "Rapport de synthèse",
        colleges=("personnes-accompagnees", "acteurs-formation"),
        theme="evaluation",
        type="note",
        territory="sud",
        date=datetime.date(2025, 2, 1),
        status="realisee",
    ),
    doc(
        "page:3",
        "Rapport d'étape",
        colleges=("acteurs-formation",),
        theme="formation",
        type="avis",
        territory="nord",
        date=datetime.date(2025, 9, 1),
        status="en_cours",
    ),
    doc("page:4", "Rapport sans classement"),
    doc(
        "page:5",
        "Rapport réservé",
        acl=("r:1",),
        colleges=("personnes-accompagnees",),
        theme="evaluation",
        type="avis",
        territory="nord",
        date=datetime.date(2025, 9, 1),
        status="realisee",
    ),
]

EXPECTED_FACETS = {
    "college": {"personnes-accompagnees": 2, "acteurs-formation": 2},
    "theme": {"evaluation": 2, "formation": 1},
    "type": {"avis": 2, "note": 1},
    "territory": {"nord": 2, "sud": 1},
    "year": {"2024": 1, "2025": 2},
    "status": {"en_cours": 2, "realisee": 1},
}


def test_every_facet_is_in_the_result(store):
    store.index(FACETED)

    assert set(search(store, "rapport").facets) == set(FACETS)


@pytest.mark.parametrize("name", FACETS)
def test_facet_counts_visible_matching_documents(store, name):
    store.index([*FACETED, *FILLER])

    assert facet(search(store, "rapport"), name) == EXPECTED_FACETS[name]


@pytest.mark.parametrize("name", FACETS)
def test_facet_counts_when_browsing(store, name):
    store.index([*FACETED, *FILLER])

    assert facet(search(store, ""), name) == EXPECTED_FACETS[name]


def test_facets_count_only_documents_matching_the_words(store):
    store.index([*FACETED, doc("page:6", "Autre chose", theme="formation")])

    assert facet(search(store, "rapport"), "theme") == {"evaluation": 2, "formation": 1}
    assert facet(search(store, "chose"), "theme") == {"formation": 1}


def test_facet_values_come_most_frequent_first(store):
    store.index(FACETED)

    values = search(store, "rapport").facets["theme"]

    assert [(value.value, value.count) for value in values] == [("evaluation", 2), ("formation", 1)]


def test_years_come_newest_first_whatever_their_counts(store):
    store.index(
        [
            doc(f"page:{number}", "Rapport", date=datetime.date(year, 1, 1))
            for number, year in enumerate([2019, 2019, 2019, 2023, 2021, 2021, 2024], start=1)
        ]
    )

    values = search(store, "rapport").facets["year"]

    assert [(value.value, value.count) for value in values] == [
        ("2024", 1),
        ("2023", 1),
        ("2021", 2),
        ("2019", 3),
    ]


def test_years_come_newest_first_when_browsing_too(store):
    store.index(
        [
            doc(f"page:{year}", "Rapport", date=datetime.date(year, 5, 1))
            for year in (2020, 2025, 2022)
        ]
    )

    assert [value.value for value in search(store, "").facets["year"]] == ["2025", "2022", "2020"]


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("college", "personnes-accompagnees", {"page:1", "page:2"}),
        ("college", "acteurs-formation", {"page:2", "page:3"}),
        ("theme", "evaluation", {"page:1", "page:2"}),
        ("type", "avis", {"page:1", "page:3"}),
        ("territory", "sud", {"page:2"}),
        ("year", "2025", {"page:2", "page:3"}),
        ("status", "en_cours", {"page:1", "page:3"}),
    ],
)
def test_filter_keeps_visible_documents_with_the_value(store, name, value, expected):
    store.index(FACETED)

    result = search(store, "rapport", filters={name: value})

    assert set(keys(result)) == expected
    assert result.count == len(expected)


def test_filters_combine(store):
    store.index(FACETED)

    result = search(store, "rapport", filters={"type": "avis", "year": "2025"})

    assert keys(result) == ["page:3"]


def test_filters_apply_when_browsing(store):
    store.index([*FACETED, *FILLER])

    assert set(keys(search(store, "", filters={"theme": "evaluation"}))) == {"page:1", "page:2"}


def test_facets_are_counted_within_the_filters(store):
    store.index(FACETED)

    result = search(store, "rapport", filters={"territory": "nord"})

    assert facet(result, "theme") == {"evaluation": 1, "formation": 1}


def test_unknown_filter_is_refused(store):
    store.index(FACETED)

    with pytest.raises(ValueError):
        search(store, "rapport", filters={"auteur": "x"})


# --- Sorting and pagination -----------------------------------------------------------


def test_sort_by_date_puts_newest_first_and_undated_last(store):
    store.index(
        [
            doc("page:1", "Atelier", date=datetime.date(2023, 1, 1)),
            doc("page:2", "Atelier atelier", body="atelier", date=datetime.date(2025, 1, 1)),
            doc("page:3", "Atelier", body="Sans date."),
            doc("page:4", "Atelier", date=datetime.date(2024, 6, 1)),
            *FILLER,
        ]
    )

    result = search(store, "atelier", sort="date")

    assert keys(result) == ["page:2", "page:4", "page:1", "page:3"]


def test_browsing_lists_visible_documents_newest_first(store):
    store.index(
        [
            doc("page:1", "Un", date=datetime.date(2023, 1, 1)),
            doc("page:2", "Deux", date=datetime.date(2025, 1, 1)),
            doc("page:3", "Trois", date=datetime.date(2024, 1, 1)),
        ]
    )

    result = search(store, "")

    assert keys(result) == ["page:2", "page:3", "page:1"]
    assert result.count == 3
    assert result.suggestion is None


def test_pagination(store):
    store.index(
        doc(f"page:{i}", f"Atelier {i}", date=datetime.date(2020, 1, 1) + datetime.timedelta(i))
        for i in range(1, 26)
    )

    pages = [search(store, "atelier", sort="date", page=n, per_page=10) for n in (1, 2, 3)]

    assert [len(page.hits) for page in pages] == [10, 10, 5]
    assert all(page.count == 25 for page in pages)
    assert keys(pages[1]) == [f"page:{i}" for i in range(15, 5, -1)]
    seen = [key for page in pages for key in keys(page)]
    assert sorted(seen) == sorted(f"page:{i}" for i in range(1, 26))


def test_page_beyond_the_last_is_empty(store):
    store.index([doc("page:1", "Atelier")])

    result = search(store, "atelier", page=5, per_page=10)

    assert result.hits == []
    assert result.count == 1


# --- Suggestions -----------------------------------------------------------------------


def test_misspelt_word_gets_a_suggestion(store):
    store.index([doc("page:1", "Bilan", body="Retour sur l'évaluation du dispositif."), *FILLER])

    result = search(store, "evaluasion")

    assert result.count == 0
    assert result.suggestion is not None
    assert fold_accents(result.suggestion) == "evaluation"
    assert keys(search(store, result.suggestion)) == ["page:1"]


def test_suggestion_keeps_the_rest_of_the_query(store):
    store.index([doc("page:1", "Bilan", body="L'évaluation du dispositif territorial."), *FILLER])

    result = search(store, "dispositif evaluasion")

    assert result.suggestion is not None
    assert fold_accents(result.suggestion) == "dispositif evaluation"


def test_a_word_spelt_as_it_sounds_gets_the_written_word_with_its_accents(store):
    store.index([doc("page:1", "Bilan", body="L'accompagnement numérique des familles."), *FILLER])

    result = search(store, "numerik")

    assert result.count == 0
    assert result.suggestion == "numérique"
    assert keys(search(store, result.suggestion)) == ["page:1"]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("acompagnemant", "accompagnement"),
        ("akompagnement", "accompagnement"),
        ("numériqe", "numérique"),
    ],
)
def test_doubled_letters_endings_and_silent_letters_do_not_stop_a_suggestion(
    store, typed, expected
):
    store.index([doc("page:1", "Bilan", body="L'accompagnement numérique des familles."), *FILLER])

    assert search(store, typed).suggestion == expected


def test_a_suggestion_by_sound_keeps_the_other_words(store):
    store.index([doc("page:1", "Bilan", body="L'accompagnement numérique des familles."), *FILLER])

    assert search(store, "accompagnement numerik").suggestion == "accompagnement numérique"


RESTRICTED_WORD = doc(
    "page:60",
    "Compte rendu du collège",
    body="La méthode Zéphyrine reste entre nous.",
    acl=("r:1",),
)
PUBLIC_NEIGHBOUR = doc("page:61", "Méthode", body="Une méthode ouverte à tous.", acl=("public",))


@pytest.mark.parametrize(
    "reader",
    [{PUBLIC_TOKEN}, {PUBLIC_TOKEN, "r:2"}, set()],
    ids=["anonymous", "another-college", "no-token"],
)
def test_a_word_only_a_restricted_document_holds_is_never_suggested_by_sound(store, reader):
    store.index([RESTRICTED_WORD, PUBLIC_NEIGHBOUR, *FILLER])

    result = search(store, "methode zefirine", reader=reader)

    assert result.suggestion is None


def test_a_word_of_a_restricted_document_is_suggested_to_its_readers(store):
    store.index([RESTRICTED_WORD, PUBLIC_NEIGHBOUR, *FILLER])

    result = search(store, "zefirine", reader={PUBLIC_TOKEN, "r:1"})

    assert result.suggestion == "zéphyrine"


def test_the_visible_spelling_is_suggested_when_a_restricted_one_sounds_alike(store):
    secret = doc("page:62", "Note", body="Numériquement secret.", acl=("r:1",))
    secret_twin = doc("page:63", "Note", body="Numériques, numériques.", acl=("r:1",))
    public = doc("page:64", "Note", body="Le numérique pour tous.")
    store.index([secret, secret_twin, public, *FILLER])

    assert search(store, "numerik").suggestion == "numérique"


def test_no_suggestion_when_the_query_finds_documents(store):
    store.index([doc("page:1", "Bilan", body="Retour sur l'évaluation du dispositif."), *FILLER])

    assert search(store, "évaluation").suggestion is None


def test_no_suggestion_when_nothing_is_close(store):
    store.index(FILLER)

    assert search(store, "xylophone").suggestion is None


# --- Writing ---------------------------------------------------------------------------


def test_count_and_fingerprints_after_index(store):
    documents = [doc("page:1", "Un"), doc("document:2", "Deux", kind="document")]

    assert store.index(documents) == 2

    assert store.count() == 2
    assert store.fingerprints() == {d.key: d.fingerprint() for d in documents}


def test_reindexing_a_key_updates_it(store):
    store.index([doc("page:1", "Ancien intitulé")])
    updated = doc("page:1", "Nouvel intitulé")

    store.index([updated])

    assert store.count() == 1
    assert store.fingerprints() == {"page:1": updated.fingerprint()}
    assert keys(search(store, "nouvel")) == ["page:1"]
    assert keys(search(store, "ancien")) == []
    assert [hit.title for hit in search(store, "").hits] == ["Nouvel intitulé"]


def test_delete_removes_documents(store):
    store.index([doc("page:1", "Atelier un"), doc("page:2", "Atelier deux")])

    store.delete(["page:1", "page:404"])

    assert keys(search(store, "atelier")) == ["page:2"]
    assert store.count() == 1
    assert set(store.fingerprints()) == {"page:2"}


def test_rebuild_replaces_everything_and_reports_progress(store):
    store.index([doc("page:1", "Ancien atelier"), doc("page:2", "Ancien séminaire")])
    new = [doc(f"page:{i}", f"Nouvel atelier {i}") for i in range(10, 15)]
    calls = []

    written = store.rebuild(iter(new), total=len(new), progress=lambda d, t: calls.append((d, t)))

    assert written == len(new)
    assert store.count() == len(new)
    assert store.fingerprints() == {d.key: d.fingerprint() for d in new}
    assert keys(search(store, "ancien")) == []
    assert search(store, "atelier").count == len(new)
    assert calls and calls[-1] == (len(new), len(new))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_rebuild_with_nothing_empties_the_store(store):
    store.index([doc("page:1", "Atelier")])

    store.rebuild([], total=0)

    assert store.count() == 0
    assert search(store, "atelier").count == 0
