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
# Real forms in Chromium, on the demo board started alongside (the Procfile's `board`).
export DEMO_BOARD_PORT="${DEMO_BOARD_PORT:-8100}"
export DEMO_BOARD_URL="${DEMO_BOARD_URL:-http://127.0.0.1:${DEMO_BOARD_PORT}}"
export APPLICATION_DRIVER="${APPLICATION_DRIVER:-workers.browser.BrowserDriver}"
# Pauses between page actions short enough to watch a demo by; a person takes longer.
export BROWSER_ACTION_PAUSE_SECONDS="${BROWSER_ACTION_PAUSE_SECONDS:-0.1,0.3}"
export MEDIA_ROOT="${MEDIA_ROOT:-${APPLYLINE_DATA_DIR}/media}"

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
  Job board      ${DEMO_BOARD_URL}/  (the demo board, a site of its own)
  Received       ${DEMO_BOARD_URL}/_board/submissions/  (what the board was sent)

Processes: web, worker (approvals + default), reserve (approvals only), maintenance, beat, flower,
board.
Approval links arrive by e-mail, printed below by the maintenance worker ("maintenance |"), and
in the app at ${base}/api/notifications/.

A demo run starts once the board answers: one posting of each form style, prepared in Chromium.
Each review link is printed by the maintenance worker; approving on it submits to the board.
The e-mailed code and the CAPTCHA are for you to read: the board's outbox is
${DEMO_BOARD_URL}/_board/outbox/ and the CAPTCHA is in the screenshot on the review page.

MSG
# Posted in the background once the board answers; it ends when it has posted (honcho would
# stop everything if one of its own processes ended).
$BIN/python manage.py demo_run --wait 120 &
exec $BIN/honcho start -f Procfile
