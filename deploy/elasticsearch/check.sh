#!/usr/bin/env bash
# Vérifie un nœud démarré (run.sh start) : analyse française, _bulk, recherche avec surlignage,
# agrégation terms, alias. Travaille sur un index temporaire qu'il supprime. Code de sortie 0 si tout va bien.
#
#   deploy/elasticsearch/check.sh            (ES_PORT, 9200 par défaut)
set -euo pipefail

URL="http://127.0.0.1:${ES_PORT:-9200}"
INDEX="esdev-check-$$"
ALIAS="${INDEX}-alias"
FAILED=0
PASSED=0

req() { # METHOD PATH [BODY] [CONTENT-TYPE]
  curl -s -X "$1" "$URL$2" -H "Content-Type: ${4:-application/json}" ${3:+--data-binary "$3"}
}

# expect NAME JSON PYTHON-EXPRESSION-ON-d
expect() {
  local result
  if result="$(printf '%s' "$2" | python3 -c "import json,sys; d=json.load(sys.stdin); r=($3); print(r); sys.exit(0 if r is True else 1)" 2>&1)"; then
    echo "  ok   $1"
    PASSED=$((PASSED + 1))
  else
    echo "  ÉCHEC $1 : $result" >&2
    echo "       réponse : ${2:0:600}" >&2
    FAILED=$((FAILED + 1))
  fi
}

cleanup() { req DELETE "/$INDEX" >/dev/null 2>&1 || true; }
trap cleanup EXIT

curl -s -m 5 "$URL/_cluster/health" | grep -Eq '"status":"(green|yellow)"' || { echo "check.sh: pas de nœud sur $URL" >&2; exit 1; }
echo "check.sh: $URL, index $INDEX"

expect "GET / (version 8)" "$(req GET /)" 'd["version"]["number"].startswith("8.") and d["tagline"] == "You Know, for Search"'

expect "création d'index (analyseur français, text + keyword)" "$(req PUT "/$INDEX" '{
  "settings": {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
      "filter": {
        "fr_elision": {"type": "elision", "articles_case": true,
                       "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]},
        "fr_stop": {"type": "stop", "stopwords": "_french_"},
        "fr_stemmer": {"type": "stemmer", "language": "light_french"}
      },
      "analyzer": {
        "francais": {"type": "custom", "tokenizer": "standard", "char_filter": ["html_strip"],
                     "filter": ["fr_elision", "lowercase", "fr_stop", "fr_stemmer", "asciifolding"]}
      }
    }
  },
  "mappings": {"properties": {
    "titre": {"type": "text", "analyzer": "francais", "fields": {"brut": {"type": "keyword"}}},
    "theme": {"type": "keyword"}
  }}
}')" 'd.get("acknowledged") is True'

expect "_analyze « L’évaluation des préconisations »" \
  "$(req POST "/$INDEX/_analyze" '{"analyzer": "francais", "text": "<p>L’évaluation des <b>préconisations</b></p>"}')" \
  '[t["token"] for t in d["tokens"]] == ["evalu", "precon"]'

BULK='{"index": {"_id": "1"}}
{"titre": "L’évaluation des préconisations", "theme": "evaluation"}
{"index": {"_id": "2"}}
{"titre": "Une préconisation pour le développement social", "theme": "developpement-social"}
'
expect "_bulk (2 documents)" "$(req POST "/$INDEX/_bulk?refresh=true" "$BULK" application/x-ndjson)" \
  'd["errors"] is False and len(d["items"]) == 2'

SEARCH="$(req POST "/$INDEX/_search" '{
  "query": {"match": {"titre": "Préconisations évaluées"}},
  "highlight": {"fields": {"titre": {}}},
  "aggs": {"themes": {"terms": {"field": "theme"}}, "titres": {"terms": {"field": "titre.brut"}}}
}')"
expect "recherche match (2 résultats, le n° 1 en tête)" "$SEARCH" \
  'd["hits"]["total"]["value"] == 2 and d["hits"]["hits"][0]["_id"] == "1"'
expect "surlignage" "$SEARCH" \
  '"<em>préconisations</em>" in d["hits"]["hits"][0]["highlight"]["titre"][0]'
expect "agrégation terms" "$SEARCH" \
  'sorted(b["key"] for b in d["aggregations"]["themes"]["buckets"]) == ["developpement-social", "evaluation"]'

expect "création d'alias" "$(req POST /_aliases "{\"actions\": [{\"add\": {\"index\": \"$INDEX\", \"alias\": \"$ALIAS\"}}]}")" \
  'd.get("acknowledged") is True'
expect "recherche par l'alias" "$(req POST "/$ALIAS/_search" '{"query": {"match": {"titre": "développement"}}}')" \
  '[h["_id"] for h in d["hits"]["hits"]] == ["2"]'

echo "check.sh: $PASSED vérifications réussies, $FAILED en échec"
[ "$FAILED" -eq 0 ]
