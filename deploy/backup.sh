#!/usr/bin/env bash
# Nightly backup: `manage.py backup` into $BACKUP_ROOT/<UTC time>, then drop backups older than
# $BACKUP_KEEP_DAYS. Run as the tsunagi user with the service's environment (tsunagi-backup.service).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TSUNAGI_HOME=${TSUNAGI_HOME:-$here}
PYTHON=${PYTHON:-$TSUNAGI_HOME/.venv/bin/python}
BACKUP_ROOT=${BACKUP_ROOT:?set BACKUP_ROOT to the folder that receives the backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-35}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_ROOT/$stamp"
cd "$TSUNAGI_HOME"
"$PYTHON" manage.py backup --to "$target"
# Old backups go only after a new one is complete.
find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime +"$BACKUP_KEEP_DAYS" -print -exec rm -rf {} +
echo "$target"
