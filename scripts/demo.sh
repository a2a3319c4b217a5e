#!/usr/bin/env bash
# Run by `make demo` inside scripts/services.py: migrate, seed, start every process.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"
export WEB_PORT="${WEB_PORT:-8000}"

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo

base="http://127.0.0.1:${WEB_PORT}"
cat <<MSG

Applyline is starting (Ctrl-C stops everything):
  API            ${base}/api/runs/
  API docs       ${base}/api/docs/
  Admin          ${base}/admin/
  Health         ${base}/api/health/

MSG
exec $BIN/honcho start -f Procfile
