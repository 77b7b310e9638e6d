#!/usr/bin/env bash
# The main job: installs what is missing, starts Redis, Elasticsearch and the workers,
# ingests the sample feeds through the whole pipeline, then prints a search.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/bri demo "${@:-copper | railway}"
