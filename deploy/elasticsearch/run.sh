#!/usr/bin/env bash
# Nœud Elasticsearch 8 de développement et de CI, assemblé depuis Maven Central (voir README.md).
#
#   deploy/elasticsearch/run.sh build    construit target/esdev.jar et target/lib/ (rapide si déjà fait)
#   deploy/elasticsearch/run.sh start    démarre le nœud en arrière-plan et attend qu'il réponde
#   deploy/elasticsearch/run.sh stop     arrête le nœud
#   deploy/elasticsearch/run.sh status   affiche la santé du cluster, ou « arrêté » (code 3)
#   deploy/elasticsearch/run.sh run      lance le nœud au premier plan (Ctrl-C pour l'arrêter)
#   deploy/elasticsearch/run.sh clean    efface les données (nœud arrêté)
#
# Variables : ES_PORT (9200), ES_DATA_DIR (target/data), ES_JAVA_OPTS (-Xms512m -Xmx1g),
# ES_START_TIMEOUT (120 s), JAVA_HOME, MVN (mvn).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="$HERE/target"
PORT="${ES_PORT:-9200}"
DATA_DIR="${ES_DATA_DIR:-$TARGET/data}"
# One home, PID file and log per port, so that several nodes (CI's and a test's own) can run.
HOME_DIR="$TARGET/es-home-$PORT"
PID_FILE="$TARGET/es-$PORT.pid"
LOG_FILE="$TARGET/es-$PORT.log"
STAMP="$TARGET/.built"
URL="http://127.0.0.1:$PORT"
START_TIMEOUT="${ES_START_TIMEOUT:-120}"
JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx1g}"
MVN="${MVN:-mvn}"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

die() { echo "run.sh: $*" >&2; exit 1; }

# PID of the running node, or nothing.
running_pid() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q 'intranet.esdev.DevNode' "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

health() { curl -s -m 3 "$URL/_cluster/health" 2>/dev/null || true; }

is_up() { health | grep -Eq '"status":"(green|yellow)"'; }

cmd_build() {
  command -v "$JAVA" >/dev/null || die "java introuvable (Java 17 ou plus ; Debian : apt-get install openjdk-17-jdk-headless)"
  if [ -f "$STAMP" ] && [ -f "$TARGET/esdev.jar" ] && [ -d "$TARGET/lib" ] \
     && [ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit)" ]; then
    return 0
  fi
  [ -z "$(running_pid)" ] || die "sources modifiées : arrêter le nœud avant de reconstruire (run.sh stop)"
  command -v "$MVN" >/dev/null || die "mvn introuvable (Maven 3.8 ou plus ; Debian : apt-get install maven)"
  echo "run.sh: construction (Maven, dépendances depuis Maven Central)…"
  rm -rf "$TARGET/lib"
  mkdir -p "$TARGET"
  if ! (cd "$HERE" && "$MVN" -q -B -Dstyle.color=never package) >"$TARGET/build.log" 2>&1; then
    cat "$TARGET/build.log" >&2
    die "échec de la construction Maven (journal : $TARGET/build.log)"
  fi
  touch "$STAMP"
}

launch_args() {
  # shellcheck disable=SC2206
  local opts=($JAVA_OPTS)
  ARGS=("$JAVA" "${opts[@]}" -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$TARGET/tmp"
        -cp "$TARGET/esdev.jar:$TARGET/lib/*" intranet.esdev.DevNode
        --port "$PORT" --data "$DATA_DIR" --home "$HOME_DIR")
  mkdir -p "$TARGET/tmp" "$DATA_DIR"
}

cmd_start() {
  local pid
  pid="$(running_pid)"
  if [ -n "$pid" ]; then
    if is_up; then echo "$URL"; return 0; fi
    die "un nœud tourne déjà (PID $pid) mais ne répond pas sur $URL (autre port ? voir $LOG_FILE)"
  fi
  if curl -s -m 2 -o /dev/null "$URL/" 2>/dev/null; then
    die "le port $PORT répond déjà : un autre service l'occupe (choisir un autre ES_PORT)"
  fi
  cmd_build
  launch_args
  local started=$SECONDS
  # setsid: the node does not belong to the caller's process group (a Ctrl-C in that shell leaves it running).
  setsid "${ARGS[@]}" >"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  while [ $((SECONDS - started)) -lt "$START_TIMEOUT" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run.sh: le nœud s'est arrêté pendant le démarrage ; fin de $LOG_FILE :" >&2
      tail -n 40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if is_up; then
      echo "run.sh: Elasticsearch prêt en $((SECONDS - started)) s (PID $pid, journal $LOG_FILE)"
      echo "$URL"
      return 0
    fi
    sleep 1
  done
  echo "run.sh: pas de réponse de $URL/_cluster/health après ${START_TIMEOUT} s ; fin de $LOG_FILE :" >&2
  tail -n 40 "$LOG_FILE" >&2
  cmd_stop >/dev/null 2>&1 || true
  exit 1
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    echo "arrêté"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: le nœud (PID $pid) ne s'arrête pas après 30 s : SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  echo "arrêté"
}

cmd_status() {
  local body
  body="$(health)"
  if echo "$body" | grep -q '"status"'; then
    echo "$URL $body"
  else
    echo "arrêté"
    return 3
  fi
}

cmd_run() {
  [ -z "$(running_pid)" ] || die "un nœud tourne déjà en arrière-plan sur le port $PORT (run.sh stop d'abord)"
  cmd_build
  launch_args
  exec "${ARGS[@]}"
}

cmd_clean() {
  [ -z "$(running_pid)" ] || die "arrêter le nœud d'abord (run.sh stop)"
  rm -rf "$DATA_DIR" "$HOME_DIR" "$TARGET/tmp" "$LOG_FILE"
  echo "données effacées ($DATA_DIR)"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  run) cmd_run ;;
  clean) cmd_clean ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
