"""French normalisation, stemming, snippets and corrections of ``search.text``."""

from __future__ import annotations

import pytest

from search import text


@pytest.mark.parametrize(
    "written, folded",
    [
        ("Évaluation", "evaluation"),
        ("ÇA GÈRE", "ca gere"),
        ("œuvre", "oeuvre"),
        ("Cœur", "coeur"),
        ("ex æquo", "ex aequo"),
        ("naïveté", "naivete"),
        ("e\u0301te\u0301", "ete"),  # decomposed accents
    ],
)
def test_fold_lowercases_and_drops_accents_and_ligatures(written, folded):
    assert text.fold(written) == folded


@pytest.mark.parametrize(
    "written, words",
    [
        ("l'évaluation", ["evaluation"]),
        ("l’évaluation", ["evaluation"]),
        ("L'Évaluation", ["evaluation"]),
        ("d'accompagnement", ["accompagnement"]),
        ("qu'il", ["il"]),
        ("jusqu'au bout", ["au", "bout"]),
        ("lorsqu’elle", ["elle"]),
        ("puisqu'on", ["on"]),
        ("aujourd'hui", ["aujourd", "hui"]),  # not an elision: two words
        ("c'est-à-dire", ["est", "a", "dire"]),
    ],
)
def test_tokens_split_elisions(written, words):
    assert text.tokens(written) == words


def test_tokens_split_on_anything_but_letters_and_digits():
    assert text.tokens("santé/social, (2024) ; co-construction_bis") == [
        "sante",
        "social",
        "2024",
        "co",
        "construction",
        "bis",
    ]


def test_terms_drop_stop_words():
    assert text.terms("Le rôle de la convention et des collèges") == ["role", "convention", "coleg"]


def test_terms_of_only_stop_words_are_empty():
    assert text.terms("de la et le") == []


def test_numbers_are_kept_as_written():
    assert text.terms("Décret 2024-101") == ["decret", "2024", "101"]


@pytest.mark.parametrize(
    "word, stem",
    [
        # plurals
        ("préconisations", "precon"),
        ("preconisation", "precon"),
        ("evaluations", "evalu"),
        ("évaluation", "evalu"),
        ("enfants", "enfant"),
        ("rapports", "raport"),
        # -aux → -al
        ("sociaux", "social"),
        ("social", "social"),
        ("chevaux", "cheval"),
        ("travaux", "traval"),  # as Savoy's stemmer does
        ("neveux", "neveu"),
        # feminine
        ("sociale", "social"),
        ("accompagnées", "acompagn"),
        ("accompagné", "acompagn"),
        ("publique", "publiqu"),
        ("heureuse", "heureu"),
        ("sportive", "sportif"),
        ("sportif", "sportif"),
        ("personnelle", "person"),
        # suffixes
        ("accompagnement", "acompagn"),
        ("formatrice", "form"),
        ("formateur", "form"),
        ("directrice", "direct"),
        ("directeur", "direct"),
        ("deuxième", "deux"),
        ("boulangère", "boulang"),
        ("boulanger", "boulang"),
        ("jeunesse", "jeunes"),
        ("politiques", "polit"),
        ("politique", "polit"),
        ("anticonstitutionnellement", "anticonstitutionel"),
        # short words are left alone
        ("ami", "ami"),
        ("amis", "ami"),
    ],
)
def test_light_french_stemmer(word, stem):
    assert text.stem(text.fold(word)) == stem


def test_singular_and_plural_share_a_term():
    assert text.terms("les préconisations") == text.terms("la preconisation")
    assert text.terms("des travaux sociaux") == text.terms("un travaux social")


def test_index_text_joins_the_terms_of_every_text():
    assert text.index_text("L'évaluation", "des préconisations") == "evalu precon"


def test_index_text_stops_within_its_size_budget():
    many = " ".join(f"mot{i}" for i in range(10_000))

    bounded = text.index_text("début", many, max_bytes=1_000)

    assert bounded.startswith("debut mot0 mot1")
    assert len(bounded.split()) < 100
    assert text.index_text("le la", "mot mot", max_bytes=None) == "mot mot"


def test_index_text_counts_a_new_term_its_bytes_plus_8_and_a_repeat_2():
    # "evalu": 5 bytes + 8 the first time, 2 for each repeat, in any of the texts.
    assert text.index_text("évaluation évaluation", "évaluation", max_bytes=17) == (
        "evalu evalu evalu"
    )
    assert text.index_text("évaluation évaluation", "évaluation", max_bytes=16) == "evalu evalu"
    assert text.index_text("évaluation", max_bytes=12) == ""


# --- Snippets --------------------------------------------------------------------------


def test_snippet_marks_matched_words_whatever_their_form():
    snippet = text.snippet(
        "Retour sur l'évaluation et les Évaluations menées.", text.terms("evaluation")
    )

    assert snippet == (
        "Retour sur l&#x27;<mark>évaluation</mark> et les <mark>Évaluations</mark> menées."
    )


def test_snippet_escapes_html():
    snippet = text.snippet('<script>alert("x")</script> & évaluation', text.terms("evaluation"))

    assert snippet == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>évaluation</mark>"
    )


def test_snippet_does_not_mark_stop_words():
    assert "<mark>" not in text.snippet("le la les", text.terms("le"))


def test_snippet_is_a_window_around_the_best_match():
    words = [f"mot{i}" for i in range(200)]
    words[120] = "subsidiarité"
    snippet = text.snippet(" ".join(words), text.terms("subsidiarite"), words=30)

    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>subsidiarité</mark>" in snippet
    assert len(snippet.removeprefix("… ").removesuffix(" …").split()) == 30
    assert "mot114" in snippet  # some context before the match


def test_snippet_prefers_the_window_with_most_distinct_terms():
    words = [f"mot{i}" for i in range(300)]
    words[20] = "budget"
    words[200], words[205] = "budget", "évaluation"
    snippet = text.snippet(" ".join(words), text.terms("budget évaluation"), words=30)

    assert "<mark>budget</mark>" in snippet
    assert "<mark>évaluation</mark>" in snippet
    assert "mot20 " not in snippet


def test_snippet_without_match_is_the_beginning():
    snippet = text.snippet("Premier mot. " + "suite " * 100, ["absent"], words=5)

    assert snippet == "Premier mot. suite suite suite …"


def test_snippet_collapses_whitespace():
    assert text.snippet("Un\n\n  deux\tévaluation", text.terms("evaluation")) == (
        "Un deux <mark>évaluation</mark>"
    )


def test_snippet_of_empty_text_is_empty():
    assert text.snippet("", ["evalu"]) == ""


# --- Suggestions -----------------------------------------------------------------------


def test_vocabulary_keeps_words_as_written_keyed_by_their_folded_form():
    assert text.vocabulary("L'Évaluation des œuvres, 2024 et la loi") == {
        "evaluation": "évaluation",
        "oeuvres": "œuvres",
        "loi": "loi",
    }


def test_vocabulary_leaves_out_elided_articles():
    assert text.vocabulary("Jusqu’au bout, lorsqu'on aide, puisqu'il l'écoute") == {
        "bout": "bout",
        "aide": "aide",
        "ecoute": "écoute",
    }


def test_vocabulary_counts_each_word_once_towards_its_limit():
    assert list(text.vocabulary("deux deux deux trois quatre", limit=2)) == ["deux", "trois"]


def test_vocabulary_stops_at_its_limit():
    assert list(text.vocabulary("un deux trois quatre cinq", limit=2)) == ["deux", "trois"]


def test_closest_finds_a_misspelt_word():
    assert text.closest("evaluasion", ["evaluation", "education", "relation"]) == "evaluation"


def test_closest_ignores_accents_of_the_typed_word():
    assert text.closest("évaluasion", ["evaluation"]) == "evaluation"


def test_closest_returns_none_when_nothing_is_near():
    assert text.closest("xylophone", ["evaluation", "relation"]) is None


def test_replace_words_keeps_the_query_as_typed():
    corrected = text.replace_words("L'evaluasion du Projet", {"evaluasion": "évaluation"})

    assert corrected == "L'évaluation du Projet"


@pytest.mark.parametrize(
    "first, second",
    [
        ("numérique", "numerik"),
        ("zéphyrine", "zefirine"),
        ("accompagnement", "acompagnemant"),
        ("quartier", "cartier"),
        ("habitat", "abitat"),
        ("famille", "famile"),
        ("logement", "logemant"),
    ],
)
def test_words_that_sound_alike_share_one_key(first, second):
    assert text.sound(first) == text.sound(second)


@pytest.mark.parametrize("first, second", [("numérique", "numéro"), ("famille", "facile")])
def test_words_that_sound_different_have_different_keys(first, second):
    assert text.sound(first) != text.sound(second)


def test_the_closest_of_the_words_that_sound_alike_is_chosen():
    candidates = {"chose": 1, "chausse": 5}

    assert text.sounds_like("chause", candidates) == "chausse"
    assert text.sounds_like("xylophone", candidates) is None


def test_edit_distance_counts_letters_to_change():
    assert text.edit_distance("numerik", "numerique") == 3
    assert text.edit_distance("", "abc") == 3
