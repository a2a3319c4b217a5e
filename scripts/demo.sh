#!/usr/bin/env bash
# Run by `make demo` inside scripts/services.py: migrate, seed, start every process.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
export WEB_PORT="${WEB_PORT:-8000}"
export FLOWER_PORT="${FLOWER_PORT:-5555}"
# The address in every approval link sent; each new approval's e-mail, with its link, is
# printed by the maintenance worker (the console e-mail backend under DEBUG).
export SITE_URL="${SITE_URL:-http://127.0.0.1:${WEB_PORT}}"
export FLOWER_USER="${FLOWER_USER:-admin}"
export FLOWER_PASSWORD="${FLOWER_PASSWORD:-applyline-demo}"
export APPLYLINE_DATA_DIR="${APPLYLINE_DATA_DIR:-.data}"
mkdir -p "$APPLYLINE_DATA_DIR"

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo

base="http://127.0.0.1:${WEB_PORT}"
cat <<MSG

Applyline is starting (Ctrl-C stops everything):
  Home           ${base}/
  API            ${base}/api/runs/
  API docs       ${base}/api/docs/
  Admin          ${base}/admin/
  Approvals      ${base}/api/approvals/
  Health         ${base}/api/health/
  Flower         http://127.0.0.1:${FLOWER_PORT}/  (${FLOWER_USER} / ${FLOWER_PASSWORD})
  Job board      http://127.0.0.1:${DEMO_BOARD_PORT:-8100}/  (the demo board, a site of its own)

Processes: web, worker (approvals + default), reserve (approvals only), maintenance, beat, flower,
board.
Approval links arrive by e-mail, printed below by the maintenance worker ("maintenance |"), and
in the app at ${base}/api/notifications/.

MSG
exec $BIN/honcho start -f Procfile
