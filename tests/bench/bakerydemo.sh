#!/usr/bin/env bash
# Sets up Wagtail's demo site in DIR for `tests/bench/http_bench.py --bakerydemo DIR`:
# a clone of https://github.com/wagtail/bakerydemo, its own virtualenv (its Django needs
# Python 3.12 or later: PYTHON=… to choose one), its demo content in a SQLite file, its
# static files collected. Nothing of it enters this repository.
#
#   tests/bench/bakerydemo.sh /tmp/bakerydemo
set -euo pipefail

dir=${1:?"usage: $0 DIR"}
source=${BAKERYDEMO_SOURCE:-https://github.com/wagtail/bakerydemo}

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "Python 3.12 or later is needed (PYTHON=/path/to/python3.12 $0 $dir)" >&2
  exit 1
}

python=$(find_python)
[ -d "$dir/.git" ] || git clone --quiet --depth 1 "$source" "$dir"
[ -x "$dir/.venv/bin/python" ] || "$python" -m venv "$dir/.venv"
"$dir/.venv/bin/pip" install --quiet -r "$dir/requirements/base.txt" gunicorn whitenoise

cd "$dir"
# The same settings as tests/bench/http_bench.py gives its gunicorn.
export DJANGO_SETTINGS_MODULE=bakerydemo.settings.production
export DJANGO_SECRET_KEY="bakerydemo-bench-not-a-secret-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_NAME="$dir/bakerydemodb"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_initial_data
.venv/bin/python manage.py collectstatic --noinput -v 0
echo "bakerydemo ready in $dir"
