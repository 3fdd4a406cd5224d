#!/usr/bin/env bash
# Runs the project's pinned SAM CLI from .venv with telemetry off, from the project root.
set -euo pipefail
cd "$(dirname "$0")/.."
export SAM_CLI_TELEMETRY=0 SAM_CLI_DISABLE_UPDATE_CHECK=1 PATH="$PWD/node_modules/.bin:$PATH"
exec .venv/bin/sam "$@"
