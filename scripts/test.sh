#!/usr/bin/env bash
# The test command: installs what is missing, starts Redis and Elasticsearch, runs the
# linter and every test (unit, integration against the real services, end-to-end
# through real Celery workers). Tests share one Redis database and index, so they run
# serially; the machine's second core serves Elasticsearch and the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/bri services up
.venv/bin/ruff check services tests scripts
mkdir -p artifacts
set +e
.venv/bin/pytest -ra --junitxml=artifacts/junit.xml "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
