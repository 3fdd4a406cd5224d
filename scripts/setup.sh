#!/usr/bin/env bash
# Installs what `npm start`, `npm test` and `npm run bench` need and is quick when it is already there:
# npm packages (from package-lock.json) and the Python tools (requirements-tools.txt) in .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

fingerprint() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

ensure_npm_packages() {
  local stamp=node_modules/.setup-fingerprint want
  want=$(fingerprint package.json package-lock.json)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return; fi
  say "installing npm packages (npm install, as pinned by package-lock.json)"
  npm install --no-audit --no-fund
  echo "$want" >"$stamp"
}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3.10 python3; do
    [[ -n $candidate ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  say "Python 3.10 or newer is required for the project's tools (sam, cfn-lint, moto); set PYTHON=/path/to/python3" >&2
  exit 1
}

ensure_python_tools() {
  local stamp=.venv/.setup-fingerprint want python
  want=$(fingerprint requirements-tools.txt)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return; fi
  python=$(find_python)
  if [[ ! -x .venv/bin/python ]]; then
    say "creating the Python virtual environment .venv with $($python --version)"
    "$python" -m venv .venv
  fi
  say "installing Python tools into .venv (aws-sam-cli, cfn-lint, moto[server]); this takes a few minutes the first time"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
  echo "$want" >"$stamp"
}

ensure_npm_packages
ensure_python_tools
