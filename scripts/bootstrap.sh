#!/usr/bin/env bash
# Installs what BRI Monitor needs on a fresh Debian machine: Redis, Maven (to resolve
# Elasticsearch from Maven Central), Chromium (browser tests) and the Python virtualenv
# with pinned packages.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v redis-server >/dev/null || apt_install redis-server
command -v mvn >/dev/null || apt_install maven
# The web page's browser tests drive Debian's Chromium through Playwright (never
# `playwright install`, whose browser download is not reachable from every machine).
[ -x /usr/bin/chromium ] || apt_install chromium

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: Python 3.11 or newer is needed ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  # pip older than 24 mis-resolves the extras that trafilatura's dependencies declare.
  .venv/bin/pip install -q --upgrade "pip>=24"
  .venv/bin/pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "bootstrap: ready ($(.venv/bin/python --version), $(redis-server --version | cut -d' ' -f3))"
