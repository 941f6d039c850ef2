#!/usr/bin/env bash
# Restore drill: back up a seeded database, restore it into a fresh one, and let
# `manage.py restore` verify every table's row count and the published data's checksum against
# the backup's manifest. Then check that a restore refuses a backup whose data was altered.
#   scripts/restore_drill.sh postgres://postgres@127.0.0.1:5432/crin_ci   (PostgreSQL)
#   scripts/restore_drill.sh sqlite:////tmp/crin_seeded.sqlite3            (SQLite)
# The source must be migrated and seeded. Exit status 0 = the drill passed.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE="$1"
PY=.venv/bin/python
WORK="$(mktemp -d /tmp/crin_restore_drill.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

if [[ "$SOURCE" == postgres* ]]; then
  BASE="${SOURCE%/*}"
  TARGET_DB="crin_restore_drill"
  TARGET="$BASE/$TARGET_DB"
  fresh() { psql "$BASE/postgres" -q -c "DROP DATABASE IF EXISTS $TARGET_DB" -c "CREATE DATABASE $TARGET_DB"; }
  cleanup_target() { psql "$BASE/postgres" -q -c "DROP DATABASE IF EXISTS $TARGET_DB"; }
else
  TARGET="sqlite:///$WORK/restored.sqlite3"
  fresh() { rm -f "$WORK/restored.sqlite3"*; }
  cleanup_target() { :; }
fi

echo "-- backup of $SOURCE"
start=$(date +%s.%N)
DATABASE_URL="$SOURCE" $PY manage.py backup "$WORK/backup.dump"
echo "-- restore into a fresh database, verified against the manifest"
fresh
DATABASE_URL="$TARGET" $PY manage.py restore "$WORK/backup.dump"
end=$(date +%s.%N)
echo "backup + restore + verification: $(python3 -c "print(round($end - $start, 1))") s, backup $(du -h "$WORK/backup.dump" | cut -f1)"

echo "-- a restore whose result does not match the manifest must fail"
python3 - "$WORK/backup.dump.manifest.json" <<'PY'
import json, sys
path = sys.argv[1]
manifest = json.load(open(path))
manifest["published_checksum"] = "0" * 64
json.dump(manifest, open(path, "w"))
PY
fresh
if DATABASE_URL="$TARGET" $PY manage.py restore "$WORK/backup.dump" 2>"$WORK/err.txt"; then
  echo "restore accepted a backup that does not match its manifest" >&2
  exit 1
fi
grep -q "checksum differs" "$WORK/err.txt"
cleanup_target
echo "Restore drill passed."
