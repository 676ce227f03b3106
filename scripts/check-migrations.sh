#!/usr/bin/env bash
# Fails when crates/duban-store/migrations/sqlite and .../postgres do not hold the same file names:
# every schema change is written once per backend, with the same version and name (STYLE.md §2.5).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/crates/duban-store/migrations"
for backend in sqlite postgres; do
    if [ ! -d "$dir/$backend" ]; then
        echo "check-migrations: missing directory $dir/$backend" >&2
        exit 1
    fi
done
if ! diff <(cd "$dir/sqlite" && ls -1 | LC_ALL=C sort) <(cd "$dir/postgres" && ls -1 | LC_ALL=C sort) >/dev/null; then
    echo "check-migrations: migrations/sqlite and migrations/postgres differ:" >&2
    diff <(cd "$dir/sqlite" && ls -1 | LC_ALL=C sort) <(cd "$dir/postgres" && ls -1 | LC_ALL=C sort) \
        | sed -n 's/^< /  only in sqlite:   /p; s/^> /  only in postgres: /p' >&2
    exit 1
fi
echo "check-migrations: $(ls -1 "$dir/sqlite" | wc -l) migration(s), same names for sqlite and postgres"
