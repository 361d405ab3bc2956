#!/usr/bin/env python
"""Benchmark of the search stores: rebuild throughput and query latency (not part of make test).

    .venv/bin/python tests/bench/search_bench.py --sizes 10000 100000 \\
        --stores database elasticsearch

It measures the stores, not the site: ``SearchDocument`` objects are generated directly
(French text of the social-work domain, themes, colleges, territories, types, dates
2015-2025, ACLs), deterministically (``random.Random(seed)``), without Wagtail pages. For
each size and store it times ``store.rebuild(...)`` (documents per second; from an empty
store, after an untimed warm-up rebuild of 2,000 documents per store), then runs a
fixed set of queries for three readers (anonymous, a member of one college, coordination),
``--rounds`` times after one warm-up round, and prints p50 / p95 / p99 latencies and the
result counts (a reader who holds more tokens must never find fewer documents), then what
« Vouliez-vous dire » adds: misspelt queries timed with the suggestion and without. It ends
with a Markdown table and the machine it ran on.

The database store uses ``--database-url`` (default: a SQLite file in /tmp, migrated by
the script), never the developer's ``var/db.sqlite3``: a rebuild empties the search
tables. A PostgreSQL database must have "bench" in its name (or pass
``--allow-any-database``). ``DATA_DIR`` points to a temporary directory, so nothing is
written to ``var/``. Elasticsearch is the node at ``--es-url`` if given, otherwise a dev
node started for the run (``tests/search/es_fixture.DevNode``: ``deploy/elasticsearch/run.sh``
on a free port, data in a temporary directory) and stopped at the end; the benchmark's
indices (prefix ``bench-<hex>``) are deleted at the end either way.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "sqlite:////tmp/search-bench.sqlite3"

# --- Corpus -------------------------------------------------------------------------------

THEMES = (
    "Éthique et déontologies du travail social",
    "Non-recours aux droits et fracture numérique",
    "Désinstitutionnalisation",
    "Territorialisation de l'action sociale",
    "Éducation et politiques territoriales de jeunesse",
)
COLLEGES = (  # college restriction r:10 + i admits the members of COLLEGES[i]
    "personnes-accompagnees",
    "acteurs-formation",
    "associations-gestionnaires",
    "administrations-etat",
    "collectivites-territoriales",
    "partenaires-sociaux",
    "associations-professionnelles",
    "institutions-sociales",
    "developpement-local",
)
MEMBERS_TOKEN = "r:1"
COLLEGE_TOKENS = tuple(f"r:{10 + i}" for i in range(len(COLLEGES)))
TERRITORIES = (
    "paca",
    "var",
    "bouches-du-rhone",
    "alpes-maritimes",
    "toulon-provence",
    "vaucluse",
    "hautes-alpes",
    "alpes-de-haute-provence",
)
SUBJECTS = (
    "Les travailleurs sociaux",
    "L'équipe pluridisciplinaire",
    "Le conseil départemental",
    "Les personnes accompagnées",
    "Le centre communal d'action sociale",
    "L'atelier",
    "La commission éthique",
    "Les bénévoles de l'association",
    "Les éducateurs spécialisés",
    "Les assistantes de service social",
    "La caisse d'allocations familiales",
    "Le collège des personnes accompagnées",
    "Les acteurs de la formation",
    "Les partenaires sociaux",
    "La mission locale",
    "Les conseillères en économie sociale et familiale",
    "L'institut régional du travail social",
    "Le comité d'habitants",
    "Les administrations de l'État",
    "Les étudiants en travail social",
    "La maison départementale des solidarités",
    "Les intervenants du service d'aide à domicile",
    "L'union régionale des associations",
    "Les médiateurs numériques",
)
VERBS = (  # (singular, plural)
    ("souligne", "soulignent"),
    ("rappelle", "rappellent"),
    ("propose", "proposent"),
    ("constate", "constatent"),
    ("s'interroge sur", "s'interrogent sur"),
    ("préconise", "préconisent"),
    ("observe", "observent"),
    ("défend", "défendent"),
    ("analyse", "analysent"),
    ("met en avant", "mettent en avant"),
    ("regrette", "regrettent"),
    ("insiste sur", "insistent sur"),
    ("décrit", "décrivent"),
    ("questionne", "questionnent"),
    ("documente", "documentent"),
    ("a évalué", "ont évalué"),
    ("a expérimenté", "ont expérimenté"),
)
# What the sentences are about: mostly the document's theme, sometimes any theme.
OBJECTS_BY_THEME = {
    THEMES[0]: (
        "le secret professionnel partagé",
        "l'éthique de la relation d'aide",
        "la déontologie des écrits professionnels",
        "le partage d'informations entre services",
        "le consentement des personnes",
        "la confidentialité des dossiers",
        "les comités éthiques locaux",
        "la posture professionnelle",
        "le respect de la dignité",
        "les dilemmes éthiques du quotidien",
        "l'épuisement professionnel des équipes",
        "le code de déontologie des assistants de service social",
    ),
    THEMES[1]: (
        "la hausse du non-recours aux droits",
        "la dématérialisation des démarches administratives",
        "la fracture numérique",
        "la médiation numérique",
        "l'illectronisme",
        "l'accès aux droits sociaux",
        "le revenu de solidarité active",
        "la domiciliation administrative",
        "les rendez-vous en ligne de la caisse d'allocations familiales",
        "l'accueil physique dans les services publics",
        "les aidants numériques",
        "la complexité des formulaires",
    ),
    THEMES[2]: (
        "la désinstitutionnalisation des établissements",
        "l'inclusion des personnes en situation de handicap",
        "l'habitat inclusif",
        "l'autonomie des personnes âgées",
        "le virage domiciliaire",
        "l'accès au logement d'abord",
        "les droits des résidents",
        "la transformation de l'offre médico-sociale",
        "l'accompagnement en milieu ordinaire",
        "l'hébergement d'urgence",
        "la santé mentale",
        "l'accès aux soins des personnes sans domicile",
    ),
    THEMES[3]: (
        "la coordination des acteurs du territoire",
        "le développement social local",
        "la territorialisation des politiques sociales",
        "le pouvoir d'agir des habitants",
        "les maisons départementales des solidarités",
        "le diagnostic social partagé",
        "la précarité énergétique",
        "l'animation des centres sociaux",
        "la mobilité en milieu rural",
        "le contrat local de santé",
        "les conventions territoriales globales",
        "la démarche d'aller-vers",
    ),
    THEMES[4]: (
        "l'insertion professionnelle des jeunes",
        "la protection de l'enfance",
        "l'aide sociale à l'enfance",
        "les politiques territoriales de jeunesse",
        "la prévention spécialisée",
        "l'éducation populaire",
        "le soutien à la parentalité",
        "le décrochage scolaire",
        "les jeunes majeurs sortant de l'aide sociale à l'enfance",
        "le contrat d'engagement jeune",
        "les violences intrafamiliales",
        "l'accès des jeunes au logement",
    ),
}
COMMON_OBJECTS = (
    "l'importance de l'accompagnement global",
    "l'évaluation des pratiques professionnelles",
    "la participation des personnes accompagnées",
    "la formation continue des intervenants",
    "la reconnaissance des savoirs expérientiels",
    "la lutte contre les exclusions",
    "l'accueil inconditionnel",
    "le travail en réseau",
)
ALL_OBJECTS = tuple(o for objects in OBJECTS_BY_THEME.values() for o in objects) + COMMON_OBJECTS

COMPLEMENTS = (
    "dans les quartiers prioritaires",
    "en milieu rural",
    "à l'échelle du département",
    "auprès des familles monoparentales",
    "depuis la crise sanitaire",
    "sur l'ensemble du territoire",
    "avec les partenaires institutionnels",
    "pour les jeunes majeurs sortant de l'aide sociale à l'enfance",
    "malgré le manque de moyens",
    "au sein des établissements",
    "lors des permanences d'accueil",
    "en lien avec les maisons France services",
    "dans les centres sociaux",
    "auprès des personnes âgées isolées",
    "pour les demandeurs d'asile",
    "dans le cadre du contrat local de santé",
    "avec l'appui des bénévoles",
    "au plus près des habitants",
)
INFINITIVES = (
    "renforcer",
    "simplifier",
    "garantir",
    "développer",
    "soutenir",
    "évaluer",
    "reconnaître",
    "financer durablement",
    "mutualiser",
    "généraliser",
    "mieux articuler",
    "former les professionnels à",
    "associer les personnes concernées à",
)
QUOTES = (
    "On m'a aidée à remplir le dossier, seule je n'y serais pas arrivée",
    "Je ne savais pas que j'avais droit à cette aide",
    "Le numérique, c'est bien, mais il faut quelqu'un au guichet",
    "Ici, on m'écoute vraiment et on ne me juge pas",
    "J'ai attendu huit mois avant d'avoir un rendez-vous",
    "Quand on est à la rue, on n'a pas de quoi recharger son téléphone",
    "Ce qui m'a aidé, c'est qu'on me fasse confiance",
    "Les formulaires changent tout le temps, on s'y perd",
    "À dix-huit ans, du jour au lendemain, plus rien",
    "On nous demande notre avis, mais on ne sait jamais ce qu'il devient",
)
PLACES = (
    "Toulon",
    "La Seyne-sur-Mer",
    "Hyères",
    "Fréjus",
    "Draguignan",
    "Brignoles",
    "Marseille",
    "Aix-en-Provence",
    "Arles",
    "Martigues",
    "Aubagne",
    "Nice",
    "Cannes",
    "Antibes",
    "Grasse",
    "Menton",
    "Avignon",
    "Carpentras",
    "Gap",
    "Briançon",
    "Digne-les-Bains",
    "Manosque",
    "Sisteron",
    "Orange",
    "Cavaillon",
    "Istres",
    "Salon-de-Provence",
    "Vitrolles",
    "Six-Fours-les-Plages",
    "Saint-Raphaël",
    "La Garde",
    "La Valette-du-Var",
    "Sanary-sur-Mer",
    "Le Pontet",
    "Pertuis",
)
FIRST_NAMES = (
    "Camille",
    "Nadia",
    "Jérôme",
    "Sophie",
    "Karim",
    "Élodie",
    "Mathieu",
    "Fatou",
    "Hélène",
    "Yannick",
    "Inès",
    "Thierry",
    "Maëlle",
    "François",
    "Leïla",
    "Benoît",
)
LAST_NAMES = (
    "Martin",
    "Benali",
    "Roux",
    "Giraud",
    "Nguyen",
    "Lefèvre",
    "Mercier",
    "Diallo",
    "Fabre",
    "Chevalier",
    "Blanc",
    "Garnier",
    "Moreau",
    "Ferrand",
)
TITLE_PATTERNS = (
    "{type} : {object} {complement}",
    "{type} sur {object} à {place}",
    "Pour {object} {complement}",
    "Retour d'expérience : {object}",
    "Rencontre à {place} sur {object}",
    "{object} : état des lieux {complement}",
    "Regards croisés sur {object}",
    "Atelier à {place} : {object} et {object2}",
)
DATE_START = datetime.date(2015, 1, 1)
DATE_DAYS = (datetime.date(2025, 12, 31) - DATE_START).days


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# Sentence patterns and their weights: by default, then per contribution type.
PATTERNS = ("statement", "aim", "preconisation", "according", "quote", "figure", "evaluation")
DEFAULT_WEIGHTS = {
    "statement": 45,
    "aim": 15,
    "preconisation": 0,
    "according": 12,
    "quote": 2,
    "figure": 10,
    "evaluation": 3,
}
TYPE_WEIGHTS = {
    "preconisations": {"preconisation": 25},
    "synthese_atelier": {"preconisation": 6},
    "temoignage": {"quote": 30},
    "diagnostic": {"figure": 25, "evaluation": 10},
    "position": {"according": 25},
}


def _join(words: str, obj: str) -> str:
    """``former à`` + ``le secret``: ``former au secret``; ``de`` + ``évaluer``: ``d'évaluer``."""
    if words.endswith(" à") and obj.startswith(("le ", "les ")):
        article, rest = obj.split(" ", 1)
        return f"{words[:-2]} {'au' if article == 'le' else 'aux'} {rest}"
    if words.endswith(" de") and obj[:1].lower() in "aeiouyéèâîh":
        return f"{words[:-1]}'{obj}"
    return f"{words} {obj}"


def _statement(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    singular, plural = rng.choice(VERBS)
    return f"{subject} {plural if subject.startswith('Les ') else singular}"


def _object(rng: random.Random, theme: str) -> str:
    if rng.random() < 0.7:
        return rng.choice(OBJECTS_BY_THEME[theme])
    return rng.choice(ALL_OBJECTS)


def _sentence(rng: random.Random, theme: str, weights: list[int]) -> str:
    kind = rng.choices(PATTERNS, weights)[0]
    obj = _object(rng, theme)
    comp = rng.choice(COMPLEMENTS)
    if kind == "statement":
        return f"{_join(_statement(rng), obj)} {comp}."
    if kind == "aim":
        return f"{_join(_join('Il s’agit de', rng.choice(INFINITIVES)), obj)} {comp}."
    if kind == "preconisation":
        return f"Préconisation : {_join(rng.choice(INFINITIVES), obj)}, en particulier {comp}."
    if kind == "according":
        subject = rng.choice(SUBJECTS)
        return f"Selon {subject[0].lower()}{subject[1:]}, {obj} reste une priorité {comp}."
    if kind == "quote":
        place = rng.choice(PLACES)
        return f"« {rng.choice(QUOTES)} », témoigne une personne accompagnée à {place}."
    if kind == "figure":
        year = rng.randint(2015, 2025)
        share = rng.randint(8, 62)
        return (
            f"En {year}, {share} % des ménages rencontrés à {rng.choice(PLACES)} évoquaient {obj}."
        )
    return (
        f"L'évaluation menée {comp} montre que {obj} et {_object(rng, theme)} "
        "sont étroitement liés."
    )


def _text(rng: random.Random, words: int, theme: str, weights: list[int]) -> str:
    paragraphs, sentences, count = [], [], 0
    paragraph_length = rng.randint(3, 6)
    while count < words:
        sentence = _sentence(rng, theme, weights)
        sentences.append(sentence)
        count += len(sentence.split())
        if len(sentences) >= paragraph_length:
            paragraphs.append(" ".join(sentences))
            sentences, paragraph_length = [], rng.randint(3, 6)
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def _weights(type_slug: str) -> list[int]:
    weights = {**DEFAULT_WEIGHTS, **TYPE_WEIGHTS.get(type_slug, {})}
    return [weights[pattern] for pattern in PATTERNS]


def _acl(rng: random.Random) -> tuple[tuple[str, ...], int | None]:
    """~50% public, ~25% members, ~20% one college, ~5% members and one college."""
    draw = rng.random()
    if draw < 0.50:
        return ("public",), None
    if draw < 0.75:
        return (MEMBERS_TOKEN,), None
    college = rng.randrange(len(COLLEGES))
    if draw < 0.95:
        return (COLLEGE_TOKENS[college],), college
    return (MEMBERS_TOKEN, COLLEGE_TOKENS[college]), college


def generate(count: int, seed: int):
    """``count`` documents; the first n of ``generate(N)`` are ``generate(n)`` for n <= N."""
    from cms.dossiers.pages import ContributionPage
    from search.contract import SearchDocument

    types = [(slug, str(label)) for slug, label in ContributionPage.Type.choices]
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        acl, college = _acl(rng)
        colleges = set(rng.sample(range(len(COLLEGES)), rng.randint(1, 3)))
        if college is not None:
            colleges.add(college)
        theme = rng.choice(THEMES)
        type_slug, type_label = rng.choice(types)
        weights = _weights(type_slug)
        title = _cap(
            rng.choice(TITLE_PATTERNS).format(
                type=type_label,
                object=_object(rng, theme),
                object2=_object(rng, theme),
                complement=rng.choice(COMPLEMENTS),
                place=rng.choice(PLACES),
            )
        )
        date = DATE_START + datetime.timedelta(days=rng.randrange(DATE_DAYS + 1))
        attachments = (
            _text(rng, rng.randint(100, 300), theme, weights) if rng.random() < 0.10 else ""
        )
        documents.append(
            SearchDocument(
                key=f"page:{100_000 + number}",
                kind="contribution",
                title=title,
                url=f"/dossiers/dossier-{THEMES.index(theme) + 1}/contribution-{number}/",
                acl=acl,
                summary=" ".join(_sentence(rng, theme, weights) for _ in range(rng.randint(2, 3))),
                body=_text(rng, rng.randint(150, 400), theme, weights),
                attachments=attachments,
                theme=theme,
                colleges=tuple(COLLEGES[i] for i in sorted(colleges)),
                territory=rng.choice(TERRITORIES),
                type=type_slug,
                date=date,
                authors=tuple(
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                    for _ in range(rng.randint(1, 2))
                ),
            )
        )
    return documents


# --- Readers and queries ------------------------------------------------------------------

READERS = {
    "anonyme": frozenset({"public"}),
    "membre d'un collège": frozenset({"public", MEMBERS_TOKEN, "r:12"}),
    "coordination": frozenset({"public", MEMBERS_TOKEN, *COLLEGE_TOKENS}),
}


@dataclass(frozen=True)
class BenchQuery:
    label: str
    text: str
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"


QUERIES = (
    BenchQuery("un mot fréquent", "accompagnement"),
    BenchQuery("un mot accentué", "préconisation"),
    BenchQuery("sans accent, pluriel", "preconisations"),
    BenchQuery("mot composé", "non-recours"),
    BenchQuery("un mot", "numérique"),
    BenchQuery("deux mots sans accent", "fracture numerique"),
    BenchQuery("élision et mot vide", "protection de l'enfance"),
    BenchQuery("élision", "logement d'abord"),
    BenchQuery("quatre mots", "participation des personnes accompagnées"),
    BenchQuery("deux mots", "travailleurs sociaux"),
    BenchQuery("un mot accentué", "évaluation"),
    BenchQuery("faute de frappe", "evaluasion"),
    BenchQuery("deux mots", "jeunesse insertion"),
    BenchQuery("nom de lieu", "Draguignan"),
    BenchQuery("deux mots", "santé mentale"),
    BenchQuery("aucun résultat", "xylophone quantique"),
    BenchQuery(
        "filtre thème",
        "territoire",
        filters={"theme": "Territorialisation de l'action sociale"},
    ),
    BenchQuery("filtre collège", "médiation", filters={"college": "personnes-accompagnees"}),
    BenchQuery("tri par date", "accueil inconditionnel", sort="date"),
    BenchQuery("trois mots", "déontologie secret professionnel"),
)


# --- Measures -----------------------------------------------------------------------------


class BenchTimeout(Exception):
    pass


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def time_limit(seconds: int, what: str):
    def expired(signum, frame):
        raise BenchTimeout(f"{what} : plus de {seconds} s")

    signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)


def rebuild(store, documents, label: str) -> float:
    total = len(documents)
    step = max(total // 10, 1)
    marks = {"next": step}

    def progress(done: int, total: int) -> None:
        if done >= marks["next"] or done == total:
            print(f"    {label} : {done:>7} / {total}", flush=True)
            while marks["next"] <= done:
                marks["next"] += step

    started = time.perf_counter()
    written = store.rebuild(iter(documents), total, progress)
    elapsed = time.perf_counter() - started
    if written != total:
        raise RuntimeError(f"rebuild a écrit {written} documents sur {total}")
    return elapsed


def measure(store, documents, rounds: int, state: dict) -> None:
    """Latencies and counts of every query for every reader, kept in ``state`` as they come.

    Round 0 is a warm-up, then ``rounds`` measured rounds; each round runs every query for
    every reader. Filling ``state`` as it goes keeps what was measured if time runs out.
    """
    from search.contract import SearchQuery, acl_admits

    readers = state.setdefault("readers", {})
    for reader, tokens in READERS.items():
        expected = sum(1 for d in documents if acl_admits(d.acl, tokens))
        visible = store.search(SearchQuery(text="", reader_tokens=tokens, per_page=1)).count
        readers[reader] = {
            "visible": visible,
            "expected_visible": expected,
            "warmup": {},  # query index -> seconds
            "measured": {i: [] for i in range(len(QUERIES))},
            "counts": {},
        }
    for round_number in range(rounds + 1):
        for reader, tokens in READERS.items():
            entry = readers[reader]
            for i, bench_query in enumerate(QUERIES):
                query = SearchQuery(
                    text=bench_query.text,
                    reader_tokens=tokens,
                    filters=dict(bench_query.filters),
                    sort=bench_query.sort,
                )
                started = time.perf_counter()
                result = store.search(query)
                elapsed = time.perf_counter() - started
                if round_number:
                    entry["measured"][i].append(elapsed)
                else:
                    entry["warmup"][i] = elapsed
                entry["counts"][i] = result.count
        state["rounds_done"] = round_number


def summarize(state: dict, rounds: int) -> dict:
    """p50 / p95 / p99 per reader over the measured rounds (the warm-up if none was reached)."""
    summary = {}
    for reader, entry in state.get("readers", {}).items():
        samples = [t for times in entry["measured"].values() for t in times]
        source = "mesuré"
        if not samples and entry["warmup"]:
            samples, source = list(entry["warmup"].values()), "tour de chauffe"
        summary[reader] = {
            "visible": entry["visible"],
            "expected_visible": entry["expected_visible"],
            "samples": len(samples),
            "complete": len(samples) == rounds * len(QUERIES) and source == "mesuré",
            "source": source,
            "p50": percentile(samples, 50),
            "p95": percentile(samples, 95),
            "p99": percentile(samples, 99),
            "max": max(samples, default=float("nan")),
            "queries": [
                {
                    "text": QUERIES[i].text,
                    "count": entry["counts"].get(i),
                    "p50": percentile(entry["measured"][i] or [entry["warmup"].get(i)], 50)
                    if i in entry["counts"]
                    else float("nan"),
                }
                for i in range(len(QUERIES))
            ],
        }
    return summary


def check_counts(summary: dict) -> list[str]:
    """A reader with more tokens never finds fewer documents; visible counts as generated."""
    problems = []
    names = [name for name in READERS if name in summary]
    for reader in names:
        entry = summary[reader]
        if entry["visible"] != entry["expected_visible"]:
            problems.append(
                f"{reader} : {entry['visible']} documents visibles, "
                f"{entry['expected_visible']} attendus"
            )
    if len(names) < len(READERS):
        return problems
    for i, bench_query in enumerate(QUERIES):
        counts = [summary[reader]["queries"][i]["count"] for reader in names]
        if None in counts:
            continue
        if not counts[0] <= counts[1] <= counts[2]:
            problems.append(f"« {bench_query.text} » : {counts} n'est pas croissant")
    return problems


def print_summary(summary: dict) -> None:
    for reader, entry in summary.items():
        note = "" if entry["complete"] else f", PARTIEL : {entry['samples']} ({entry['source']})"
        print(
            f"  {reader:<20} p50 {ms(entry['p50']):>7} ms  p95 {ms(entry['p95']):>7} ms"
            f"  p99 {ms(entry['p99']):>7} ms  ({entry['visible']} documents visibles{note})"
        )
    names = list(summary)
    header = " | ".join(f"{name} (n, p50 ms)" for name in names)
    print(f"    requête | {header}")
    for i, bench_query in enumerate(QUERIES):
        cells = " | ".join(
            f"{summary[r]['queries'][i]['count']}, {ms(summary[r]['queries'][i]['p50'])}"
            for r in names
        )
        extra = ""
        if bench_query.filters:
            extra += f" {bench_query.filters}"
        if bench_query.sort != "relevance":
            extra += f" (tri : {bench_query.sort})"
        print(f"    « {bench_query.text} »{extra} | {cells}")


# « Vouliez-vous dire » : misspelt queries that find nothing, so the store looks for a
# suggestion; each is timed with the suggestion, then with it switched off (the same search
# otherwise), for the member reader. The difference is what the suggestion adds.
MISSPELT = ("numerik", "fracture numerik", "dematerialisassion", "illektronisme")
SUGGESTION_READER = "membre d'un collège"


@contextmanager
def suggestions_off(store):
    """The store searching as usual, but never looking for a suggestion."""
    from search.stores import elasticsearch

    saved = getattr(store, "suggest_below", None), elasticsearch.SUGGEST_BELOW
    store.suggest_below = 0  # database store: looks when fewer than this are found
    elasticsearch.SUGGEST_BELOW = 0
    try:
        yield
    finally:
        elasticsearch.SUGGEST_BELOW = saved[1]
        if saved[0] is None:
            del store.suggest_below
        else:
            store.suggest_below = saved[0]


def measure_suggestion(store, rounds: int) -> dict:
    """p50 of the misspelt queries with and without the suggestion (after a warm-up)."""
    from search.contract import SearchQuery

    tokens = READERS[SUGGESTION_READER]

    def timed(text: str) -> tuple[float, str | None]:
        query = SearchQuery(text=text, reader_tokens=tokens)
        times, suggestion = [], None
        for round_number in range(rounds + 1):
            started = time.perf_counter()
            suggestion = store.search(query).suggestion
            if round_number:
                times.append(time.perf_counter() - started)
        return percentile(times, 50), suggestion

    rows = []
    for text in MISSPELT:
        with_suggestion, suggestion = timed(text)
        with suggestions_off(store):
            without, _ = timed(text)
        rows.append(
            {"text": text, "suggestion": suggestion, "with": with_suggestion, "without": without}
        )
    return {
        "queries": rows,
        "added_p50": percentile([row["with"] - row["without"] for row in rows], 50),
    }


def print_suggestion(measured: dict) -> None:
    print(f"  « Vouliez-vous dire » ({SUGGESTION_READER}, p50 ms) : avec | sans | ajouté")
    for row in measured["queries"]:
        print(
            f"    « {row['text']} » → {row['suggestion'] or 'aucune'} : {ms(row['with'])} | "
            f"{ms(row['without'])} | {ms(row['with'] - row['without'])}"
        )
    print(f"  la suggestion ajoute {ms(measured['added_p50'])} ms (médiane des requêtes)")


WARM_UP_DOCUMENTS = 2000
WARMED_UP: set[str] = set()


def run_one(label: str, store, documents: list, args) -> dict:
    """Rebuild then queries for one store and one size, within ``--time-limit`` seconds."""
    size = len(documents)
    row = {"store": label, "size": size, "load_before": load_average()}
    print(f"\n== {label}, {size} documents ==", flush=True)
    state: dict = {}
    time_limit(args.time_limit, f"{label}, {size} documents")
    try:
        if label not in WARMED_UP:
            # Once per store, untimed: code paths, caches, the JVM's JIT.
            started = time.perf_counter()
            store.rebuild(iter(documents[:WARM_UP_DOCUMENTS]), min(size, WARM_UP_DOCUMENTS))
            WARMED_UP.add(label)
            print(f"  mise en route (non comptée) : {time.perf_counter() - started:.1f} s")
        # Every timed rebuild starts from an empty store (an empty rebuild, untimed).
        store.rebuild(iter(()), 0)
        elapsed = rebuild(store, documents, "rebuild")
        row["rebuild_seconds"] = elapsed
        row["rebuild_rate"] = size / elapsed
        print(f"  rebuild : {elapsed:.1f} s, {size / elapsed:.0f} docs/s")
        analyzed = analyze_postgresql()
        if analyzed is not None:
            print(f"  ANALYZE (non compté dans le rebuild) : {analyzed:.1f} s")
        started = time.perf_counter()
        measure(store, documents, args.rounds, state)
        row["queries_seconds"] = time.perf_counter() - started
        print(
            f"  {len(QUERIES)} requêtes × {len(READERS)} lecteurs × {args.rounds} tours "
            f"(+1 tour de chauffe) en {row['queries_seconds']:.0f} s"
        )
        row["suggestion"] = measure_suggestion(store, args.rounds)
        print_suggestion(row["suggestion"])
    except BenchTimeout as error:
        row["error"] = f"interrompu : {error}"
        print(f"  INTERROMPU : {error}")
    except Exception as error:  # noqa: BLE001 - recorded, the next run goes on
        row["error"] = f"échec : {type(error).__name__}: {error}"
        print(f"  ÉCHEC : {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
    row["load_after"] = load_average()
    if state.get("readers"):
        summary = summarize(state, args.rounds)
        row["readers"] = summary
        print_summary(summary)
        row["problems"] = check_counts(summary)
        for problem in row["problems"]:
            print(f"  ANOMALIE : {problem}")
        if not row["problems"]:
            print(
                "  Comptes cohérents : anonyme ≤ membre ≤ coordination, "
                "documents visibles = attendus."
            )
    return row


# --- Stores and machine -------------------------------------------------------------------


def database_engine() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
        return f"PostgreSQL {version}"
    return connection.vendor


def analyze_postgresql() -> float | None:
    """ANALYZE the search tables on PostgreSQL (what autovacuum does soon after a rebuild)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    from search.models import (
        FULLTEXT_TABLE,
        IndexedCollege,
        IndexedDocument,
        IndexedToken,
        IndexedWord,
    )

    tables = [FULLTEXT_TABLE] + [
        m._meta.db_table for m in (IndexedDocument, IndexedToken, IndexedCollege, IndexedWord)
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


def machine() -> dict:
    info = {
        "nproc": os.cpu_count(),
        "processeurs utilisables": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "système": f"{platform.system()} {platform.release()}",
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mémoire"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} Gio"
                break
    except OSError:
        pass
    try:
        info["charge au départ"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        pass
    import django

    info["django"] = django.get_version()
    info["commit"] = git_commit()
    return info


def git_commit() -> str:
    """The commit measured, "+" when the work tree has changes (figures must say which code)."""
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "search", "tests/bench"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{commit or '?'}{' +' if dirty else ''}"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class ElasticsearchNode:
    """The node at ``url``, or a dev node started for the run (and stopped by its PID)."""

    def __init__(self, url: str | None, heap: str | None):
        self.url = (url or "").rstrip("/")
        self.heap = heap
        self.node = None
        self.workdir: Path | None = None

    def start(self) -> str:
        if self.url:
            return self.url
        sys.path.insert(0, str(ROOT))
        from tests.search.es_fixture import DevNode  # needs pytest (make install-test)

        if self.heap:
            os.environ["ES_JAVA_OPTS"] = f"-Xms{self.heap} -Xmx{self.heap}"
        self.workdir = Path(tempfile.mkdtemp(prefix="search-bench-es-"))
        self.node = DevNode(self.workdir)
        print(f"Démarrage d'un nœud Elasticsearch de développement sur {self.node.url}…")
        started = time.perf_counter()
        self.node.start()
        print(
            f"  prêt en {time.perf_counter() - started:.0f} s (PID {self.node.process.pid}, "
            f"ES_JAVA_OPTS={os.environ.get('ES_JAVA_OPTS', '-Xms512m -Xmx1g')})"
        )
        return self.node.url

    def stop(self) -> None:
        if self.node is not None:
            pid = self.node.process.pid if self.node.process else None
            self.node.stop()
            print(f"Nœud Elasticsearch arrêté (PID {pid}).")
            self.node = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def delete_indices(store) -> None:
    found = store.client.options(ignore_status=404).indices.get(
        index=f"{store.alias}-v*", expand_wildcards="open,closed"
    )
    if found.meta.status == 200 and found.body:
        # Names, not a wildcard: Elasticsearch 8 refuses wildcard deletes by default.
        store.client.indices.delete(index=",".join(sorted(found.body)))
        print(f"Index supprimés : {', '.join(sorted(found.body))}")


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--stores", nargs="+", choices=["database", "elasticsearch"], default=["database"]
    )
    parser.add_argument("--rounds", type=int, default=5, help="tours mesurés (+1 de chauffe)")
    parser.add_argument("--seed", type=int, default=20250)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"base du store database (défaut : BENCH_DATABASE_URL ou {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--allow-any-database", action="store_true")
    parser.add_argument("--es-url", default="", help="nœud existant (sinon un nœud de dev)")
    parser.add_argument("--es-heap", default=None, help="tas du nœud démarré, ex. 1g")
    parser.add_argument("--es-timeout", type=float, default=120, help="délai des requêtes ES (s)")
    parser.add_argument(
        "--time-limit",
        type=int,
        default=900,
        help="secondes au plus par store et par taille (rebuild + requêtes)",
    )
    parser.add_argument("--json", type=Path, help="écrire aussi les résultats dans ce fichier")
    return parser.parse_args(argv)


def check_database_url(url: str, allow_any: bool) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config.get("NAME") or "")
    if config["ENGINE"].endswith("sqlite3"):
        if Path(name).resolve() == (ROOT / "var" / "db.sqlite3").resolve():
            sys.exit("Refusé : le benchmark vide les tables de recherche de var/db.sqlite3.")
    elif "bench" not in name and not allow_any:
        sys.exit(
            f"Refusé : la base « {name} » n'a pas « bench » dans son nom et le benchmark vide "
            "ses tables de recherche (--allow-any-database pour passer outre)."
        )


def setup_django(args) -> Path:
    check_database_url(args.database_url, args.allow_any_database)
    if os.environ.get("DATABASE_URL") and os.environ["DATABASE_URL"] != args.database_url:
        print("Note : DATABASE_URL est ignoré ; la base du benchmark : --database-url.")
    data_dir = Path(tempfile.mkdtemp(prefix="search-bench-data-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings",
            "DATABASE_URL": args.database_url,
            "DATA_DIR": str(data_dir),  # secret key, static root: nothing in var/
            "DEBUG": "0",  # DEBUG=1 would keep every SQL query in memory
            "ELASTICSEARCH_URL": "",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir


def main(argv=None) -> int:
    args = parse_args(argv)
    # SIGTERM (timeout, kill) unwinds like Ctrl-C, so the node and the indices go.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    data_dir = setup_django(args)
    sizes = sorted(set(args.sizes))
    results = []
    node = None
    es_store = None
    try:
        info = machine()
        print("Benchmark des stores de recherche : des SearchDocument générés directement dans")
        print("les stores (pas de pages Wagtail) ; mesure les stores, pas le site.")
        for key, value in info.items():
            print(f"  {key} : {value}")

        stores = []
        if "database" in args.stores:
            from django.core.management import call_command

            from search.stores.database import DatabaseStore

            print(f"Migration de la base du benchmark ({args.database_url})…")
            call_command("migrate", interactive=False, verbosity=0)
            engine = database_engine()
            info["base de données"] = engine
            stores.append((f"database ({engine})", DatabaseStore()))
        if "elasticsearch" in args.stores:
            from search.stores.elasticsearch import ElasticsearchStore

            node = ElasticsearchNode(args.es_url, args.es_heap)
            url = node.start()
            es_store = ElasticsearchStore(
                url, index_prefix=f"bench-{uuid.uuid4().hex[:8]}", timeout=args.es_timeout
            )
            version = es_store.client.info()["version"]["number"]
            info["elasticsearch"] = f"{version} ({url}, index {es_store.alias}-v*)"
            if not args.es_url:
                info["options JVM"] = os.environ.get("ES_JAVA_OPTS", "-Xms512m -Xmx1g")
            stores.append((f"elasticsearch {version}", es_store))

        print(f"Génération de {max(sizes)} documents (graine {args.seed})…", flush=True)
        started = time.perf_counter()
        corpus = generate(max(sizes), args.seed)
        words = sum(len(d.body.split()) for d in corpus) / len(corpus)
        print(
            f"  {len(corpus)} documents en {time.perf_counter() - started:.1f} s, "
            f"corps de {words:.0f} mots en moyenne"
        )

        for size in sizes:
            for label, store in stores:
                results.append(run_one(label, store, corpus[:size], args))
    finally:
        signal.alarm(0)
        if es_store is not None:
            try:
                delete_indices(es_store)
            except Exception as error:  # noqa: BLE001 - report, then stop the node anyway
                print(f"Suppression des index {es_store.alias}-v* impossible : {error}")
            es_store.client.close()
        if node is not None:
            node.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    print("\n## Résultats\n")
    print(table(results))
    print()
    for key, value in info.items():
        print(f"- {key} : {value}")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": info, "results": results}, indent=2, ensure_ascii=False)
        )
        print(f"\nRésultats écrits dans {args.json}")
    return 1 if any(r.get("problems") or r.get("error") for r in results) else 0


def table(results: list[dict]) -> str:
    lines = [
        "| store | documents | rebuild (docs/s) | lecteur | p50 (ms) | p95 (ms) | p99 (ms) |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in results:
        rate = f"{row['rebuild_rate']:.0f}" if "rebuild_rate" in row else "—"
        if not row.get("readers"):
            lines.append(
                f"| {row['store']} | {row['size']} | {rate} | {row.get('error', '—')} | — | — | — |"
            )
            continue
        for reader, entry in row["readers"].items():
            if not entry["complete"]:
                reader = (
                    f"{reader} (partiel : {entry['samples']} requêtes, {entry['source']} ; "
                    f"{row.get('error', '')})"
                )
            lines.append(
                f"| {row['store']} | {row['size']} | {rate} | {reader} | {ms(entry['p50'])} "
                f"| {ms(entry['p95'])} | {ms(entry['p99'])} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
