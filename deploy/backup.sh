#!/usr/bin/env bash
# Back up the intranet: the PostgreSQL database, the uploaded files, the generated secret key.
#   deploy/backup.sh DESTINATION_FOLDER
# Reads DATABASE_URL, MEDIA_ROOT and DATA_DIR like the site (default: var/ of the checkout);
# run it with the site's environment (systemd: EnvironmentFile, see deploy/README.md).
# The search index is not saved: restore.sh rebuilds it from the database.
set -euo pipefail
cd "$(dirname "$0")/.."

destination=${1:?"usage: deploy/backup.sh DESTINATION_FOLDER"}
# shellcheck source=deploy/site_data.sh
source deploy/site_data.sh

mkdir -p "$destination"
# Custom format: compressed, and pg_restore can restore it into an emptied database.
pg_dump --format=custom --no-owner --no-privileges --file="$destination/database.dump" "$DATABASE_URL"
if [ -d "$media_root" ]; then
  tar --create --gzip --file="$destination/media.tar.gz" --directory="$media_root" .
fi
if [ -f "$data_dir/secret_key" ]; then
  install -m 600 "$data_dir/secret_key" "$destination/secret_key"
fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "version: $(git rev-parse HEAD 2>/dev/null || echo inconnue)"
} >"$destination/manifest.txt"
echo "Sauvegarde écrite dans $destination"
