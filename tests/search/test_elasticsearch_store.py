"""What only the Elasticsearch store has: its mapping and analysis, versioned indices behind an
alias, and the way it reports an unreachable cluster. The behaviour both stores share is in
test_store_contract.py."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.core.management import call_command

from search.contract import SearchDocument, SearchQuery, StoreUnavailable
from search.stores.elasticsearch import ElasticsearchStore, index_body

PUBLIC = frozenset({"public"})


def document(number: int, **fields) -> SearchDocument:
    values = {
        "key": f"page:{number}",
        "kind": "contribution",
        "title": f"Contribution {number} sur l'accompagnement",
        "url": f"/contributions/{number}/",
        "acl": ("public",),
        "summary": "Synthèse de l'atelier",
        "body": "Les préconisations du collège pour l'accompagnement social.",
        "date": datetime.date(2024, 1, 1) + datetime.timedelta(days=number),
    }
    values.update(fields)
    return SearchDocument(**values)


def search(store, text: str = "", tokens=PUBLIC, **options):
    return store.search(SearchQuery(text=text, reader_tokens=frozenset(tokens), **options))


def index_without_offsets() -> dict:
    """The index as releases before the highlighting offsets made it."""
    body = index_body()
    for field in body["mappings"]["properties"].values():
        field.pop("index_options", None)
        for subfield in field.get("fields", {}).values():
            subfield.pop("index_options", None)
    return body


def versions(store) -> list[str]:
    return sorted(store.client.indices.get(index=f"{store.alias}-v*").body)


def live_indices(store) -> list[str]:
    return sorted(store.client.indices.get_alias(name=store.alias).body)


def first_live_index(store) -> str:
    """The index behind the alias once a first document is indexed."""
    store.index([document(1)])
    (index,) = live_indices(store)
    return index


def analyze(store, analyzer: str, text: str) -> list[str]:
    response = store.client.indices.analyze(index=store.alias, analyzer=analyzer, text=text)
    return [token["token"] for token in response["tokens"]]


# --- Mapping and analysis ---------------------------------------------------------------


def test_text_fields_use_the_french_analyzer_with_an_unstemmed_exact_subfield(
    elasticsearch_store,
):
    index = first_live_index(elasticsearch_store)
    mapping = elasticsearch_store.client.indices.get_mapping(index=index)[index]["mappings"]
    properties = mapping["properties"]

    for field in ("title", "summary", "body", "attachments"):
        assert properties[field]["analyzer"] == "francais", field
    for field in ("title", "body"):
        assert properties[field]["fields"]["exact"]["analyzer"] == "francais_exact", field
    for field in ("colleges", "theme", "type", "territory", "year", "kind", "acl"):
        assert properties[field]["type"] == "keyword", field
    assert properties["acl_count"]["type"] == "integer"
    assert properties["date"]["type"] == "date"


def test_french_analyzer_chain_is_html_strip_elision_lowercase_stop_light_stemmer_folding(
    elasticsearch_store,
):
    index = first_live_index(elasticsearch_store)
    settings = elasticsearch_store.client.indices.get_settings(index=index)[index]["settings"]
    analysis = settings["index"]["analysis"]

    francais = analysis["analyzer"]["francais"]
    assert francais["tokenizer"] == "standard"
    assert francais["char_filter"] == ["html_strip"]
    assert francais["filter"] == [
        "fr_elision",
        "lowercase",
        "fr_stop",
        "fr_stemmer",
        "asciifolding",
    ]
    assert analysis["filter"]["fr_elision"]["type"] == "elision"
    assert analysis["filter"]["fr_stop"]["stopwords"] == "_french_"
    assert analysis["filter"]["fr_stemmer"]["language"] == "light_french"


def test_french_analyzer_folds_stems_and_drops_elided_articles_and_stop_words(
    elasticsearch_store,
):
    elasticsearch_store.index([document(1)])

    tokens = analyze(elasticsearch_store, "francais", "L'évaluation des préconisations")

    assert tokens == ["evalu", "precon"]


def test_exact_analyzer_folds_without_stemming(elasticsearch_store):
    elasticsearch_store.index([document(1)])

    tokens = analyze(
        elasticsearch_store, "francais_exact", "<p>L'Évaluation des préconisations</p>"
    )

    assert tokens == ["evaluation", "des", "preconisations"]


def test_visibility_is_one_terms_set_clause_on_acl_count(elasticsearch_store):
    query = SearchQuery(text="accompagnement", reader_tokens=frozenset({"public", "r:7"}))

    body = elasticsearch_store._filtered(query).to_dict()

    assert body["query"]["bool"]["filter"] == [
        {
            "terms_set": {
                "acl": {"terms": ["public", "r:7"], "minimum_should_match_field": "acl_count"}
            }
        }
    ]


def test_suggestion_never_offers_a_word_only_found_in_invisible_documents(elasticsearch_store):
    elasticsearch_store.index(
        [
            document(1),
            document(2, body="Projet confidentiel d'hébergement", acl=("public", "r:1")),
        ]
    )

    assert search(elasticsearch_store, "hebergment").suggestion is None
    assert search(elasticsearch_store, "hebergment", {"public", "r:1"}).suggestion == "hébergement"


# --- Versioned indices behind the alias -------------------------------------------------


def test_first_write_creates_version_one_behind_the_alias(elasticsearch_store):
    elasticsearch_store.index([document(1)])

    assert live_indices(elasticsearch_store) == [f"{elasticsearch_store.alias}-v1"]


def test_rebuild_moves_the_alias_to_a_new_version_and_deletes_the_old_one(elasticsearch_store):
    elasticsearch_store.index([document(1), document(2)])
    (old,) = live_indices(elasticsearch_store)
    progress = []

    loaded = elasticsearch_store.rebuild(
        [document(2), document(3), document(4)], 3, lambda done, total: progress.append(done)
    )

    (new,) = live_indices(elasticsearch_store)
    assert loaded == 3
    assert new != old and new.startswith(f"{elasticsearch_store.alias}-v")
    assert versions(elasticsearch_store) == [new]
    assert elasticsearch_store.count() == 3
    assert set(elasticsearch_store.fingerprints()) == {"page:2", "page:3", "page:4"}
    assert progress[0] == 0 and progress[-1] == 3


def test_an_index_of_an_earlier_release_takes_fields_added_since(elasticsearch_store):
    # The index as a release without the follow-up status made it: no "status" field,
    # and text fields without the offsets added since (they cannot be changed in place).
    body = index_without_offsets()
    del body["mappings"]["properties"]["status"]
    old = f"{elasticsearch_store.alias}-v1"
    elasticsearch_store.client.indices.create(
        index=old, aliases={elasticsearch_store.alias: {}}, **body
    )

    elasticsearch_store.index([document(1, kind="followup", status="retenue")])

    found = search(elasticsearch_store, filters={"status": "retenue"})
    assert [hit.key for hit in found.hits] == ["page:1"]
    assert live_indices(elasticsearch_store) == [old]


def test_health_names_no_live_index_before_the_first_write(elasticsearch_store):
    assert elasticsearch_store.health().live_indices == []


def test_health_gives_the_cluster_state_and_the_index_behind_the_alias(elasticsearch_store):
    elasticsearch_store.index([document(1)])

    health = elasticsearch_store.health()

    assert health.status in ("green", "yellow")
    assert health.nodes >= 1
    assert health.live_indices == [f"{elasticsearch_store.alias}-v1"]


@pytest.mark.django_db
def test_status_command_shows_the_cluster_health_and_the_live_index(elasticsearch_store, settings):
    settings.ELASTICSEARCH_URL = elasticsearch_store.url
    settings.SEARCH_INDEX_PREFIX = elasticsearch_store.alias
    elasticsearch_store.index([document(1)])
    out = io.StringIO()

    call_command("search_index", "status", stdout=out)

    health = elasticsearch_store.health()
    assert f"Grappe : état {health.status}, {health.nodes} nœud(s)" in out.getvalue()
    assert f"Alias {elasticsearch_store.alias} → {elasticsearch_store.alias}-v1" in out.getvalue()


def test_searches_keep_answering_from_the_old_version_during_a_rebuild(elasticsearch_store):
    elasticsearch_store.index([document(number) for number in range(1, 6)])
    seen_midway = []

    def documents():
        for number in range(1, 1201):
            if number == 700:  # the first chunks are already in the new index
                result = search(elasticsearch_store, "accompagnement")
                seen_midway.append(result.count)
            yield document(number)

    elasticsearch_store.rebuild(documents(), 1200)

    assert seen_midway == [5]
    assert search(elasticsearch_store, "accompagnement").count == 1200


def test_a_failed_rebuild_leaves_the_live_index_untouched(elasticsearch_store):
    elasticsearch_store.index([document(1), document(2)])
    before = versions(elasticsearch_store)

    def documents():
        yield document(3)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        elasticsearch_store.rebuild(documents(), 2)

    assert versions(elasticsearch_store) == before
    assert live_indices(elasticsearch_store) == before
    assert search(elasticsearch_store, "accompagnement").count == 2


def rebuild_while_publishing(store) -> None:
    """Rebuild with pages 1 and 2; page 99 is published between the two."""

    def documents():
        yield document(1)
        store.index([document(99, title="Publiée pendant la reconstruction")])
        yield document(2)

    store.rebuild(documents(), 2)


def test_a_document_published_during_a_rebuild_survives_the_alias_swap(elasticsearch_store):
    elasticsearch_store.index([document(1)])

    rebuild_while_publishing(elasticsearch_store)

    assert set(elasticsearch_store.fingerprints()) == {"page:1", "page:2", "page:99"}


def test_a_document_published_during_the_first_rebuild_survives_it(elasticsearch_store):
    rebuild_while_publishing(elasticsearch_store)

    assert set(elasticsearch_store.fingerprints()) == {"page:1", "page:2", "page:99"}
    assert versions(elasticsearch_store) == live_indices(elasticsearch_store)


# --- Unreachable cluster ----------------------------------------------------------------

UNREACHABLE = "http://127.0.0.1:9"


@pytest.mark.parametrize(
    "operation",
    [
        lambda store: store.search(SearchQuery(text="accompagnement", reader_tokens=PUBLIC)),
        lambda store: store.search(SearchQuery(text="", reader_tokens=PUBLIC)),
        lambda store: store.index([document(1)]),
        lambda store: store.delete(["page:1"]),
        lambda store: store.count(),
        lambda store: store.fingerprints(),
        lambda store: store.rebuild([document(1)], 1),
    ],
    ids=["search", "search-all", "index", "delete", "count", "fingerprints", "rebuild"],
)
def test_an_unreachable_cluster_raises_store_unavailable_quickly(operation):
    store = ElasticsearchStore(UNREACHABLE, index_prefix="nowhere", timeout=2)
    started = time.monotonic()

    with pytest.raises(StoreUnavailable):
        operation(store)

    assert time.monotonic() - started < 2


def test_an_index_without_offsets_still_marks_the_matched_words(elasticsearch_store):
    # Indices made before offsets were stored: the highlighter analyses the text again.
    elasticsearch_store.client.indices.create(
        index=f"{elasticsearch_store.alias}-v1",
        aliases={elasticsearch_store.alias: {}},
        **index_without_offsets(),
    )
    elasticsearch_store.index([document(1)])

    (hit,) = search(elasticsearch_store, "accompagnement").hits

    assert "<mark>" in hit.snippet
