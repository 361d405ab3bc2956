# Sourced by backup.sh and restore.sh, from the checkout: where the site keeps its data,
# read from the environment as the site reads it (default: var/ of the checkout).
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database (postgres://…)}"
data_dir=${DATA_DIR:-var}
media_root=${MEDIA_ROOT:-$data_dir/media}
