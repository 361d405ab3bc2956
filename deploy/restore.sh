#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into the site's database and MEDIA_ROOT.
#   deploy/restore.sh BACKUP_FOLDER
# Stop the web and worker services first. What the database and MEDIA_ROOT held is
# replaced. Then: migrations of the running version, the search index rebuilt from the
# database, the shared page cache purged.
set -euo pipefail
cd "$(dirname "$0")/.."

source_dir=${1:?"usage: deploy/restore.sh BACKUP_FOLDER"}
# shellcheck source=deploy/site_data.sh
source deploy/site_data.sh
python=${PYTHON:-.venv/bin/python}

[ -f "$source_dir/database.dump" ] || { echo "pas de database.dump dans $source_dir" >&2; exit 2; }

# --clean --if-exists: drops what the database holds before recreating it from the dump.
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$DATABASE_URL" "$source_dir/database.dump"
mkdir -p "$media_root"
find "$media_root" -mindepth 1 -delete
if [ -f "$source_dir/media.tar.gz" ]; then
  tar --extract --gzip --file="$source_dir/media.tar.gz" --directory="$media_root"
fi
if [ -f "$source_dir/secret_key" ] && [ -z "${SECRET_KEY:-}" ]; then
  install -m 600 "$source_dir/secret_key" "$data_dir/secret_key"
fi
"$python" manage.py migrate --noinput
if [ -n "${ELASTICSEARCH_URL:-}" ]; then
  "$python" manage.py search_index rebuild
fi
# Pages cached before the restore must not be served: with Redis, the cache outlives it.
if [ -n "${REDIS_URL:-}" ]; then
  "$python" manage.py shell -c "from cms.cache import purge_page_cache; purge_page_cache()"
fi
echo "Restauration terminée depuis $source_dir"
