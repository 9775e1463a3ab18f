#!/usr/bin/env bash
# Restore a backup made by `manage.py backup` (deploy/backup.sh) and prove it complete.
#
#   DATABASE_URL=postgres://tsunagi@db/tsunagi_restored deploy/restore.sh /backups/20270101T020000Z
#
# DATABASE_URL names an existing, empty database. The file trees go back where the backup found
# them, or where EDI_ROOT, ERP_INBOX, ERP_OUTBOX and MEDIA_ROOT say (the hub settings are then
# updated to match). Finally `manage.py verify_archive --compare` recomputes every archived
# interchange's SHA-256 and compares hashes and row counts with the backup's manifest; the
# script fails if anything differs.
set -euo pipefail
backup=${1:?usage: restore.sh BACKUP_DIR}
backup=$(cd "$backup" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
TSUNAGI_HOME=${TSUNAGI_HOME:-$here}
PYTHON=${PYTHON:-$TSUNAGI_HOME/.venv/bin/python}
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"

echo "checking the backup's own checksums"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

tree() {  # tree NAME -> the folder recorded at backup time
  "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["trees"][sys.argv[2]])' "$backup/manifest.json" "$1"
}
edi_root=${EDI_ROOT:-$(tree edi)}
erp_inbox=${ERP_INBOX:-$(tree erp-in)}
erp_outbox=${ERP_OUTBOX:-$(tree erp-out)}
media_root=${MEDIA_ROOT:-$(tree media)}

echo "restoring the database"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$backup/db.dump"

echo "restoring the files"
for pair in "edi:$edi_root" "erp-in:$erp_inbox" "erp-out:$erp_outbox" "media:$media_root"; do
  name=${pair%%:*}; dest=${pair#*:}
  mkdir -p "$dest"
  tar -xf "$backup/$name.tar" -C "$dest"
done

# The hub's folders are data: point them at where the files are now.
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -v edi="$edi_root" -v erpin="$erp_inbox" -v erpout="$erp_outbox" <<'SQL'
UPDATE edi_hubsettings SET drop_root = :'edi', erp_inbox = :'erpin', erp_outbox = :'erpout';
SQL

echo "verifying documents, counts and hashes"
cd "$TSUNAGI_HOME"
DATABASE_URL="$DATABASE_URL" MEDIA_ROOT="$media_root" "$PYTHON" manage.py verify_archive --compare "$backup/manifest.json"
