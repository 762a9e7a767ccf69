#!/usr/bin/env bash
# Runs every test project of VllmAspire and ends with one line: "N passed, N failed".
# Installs what the tests need when it is missing: Debian's prometheus (real local scraping) and chromium (dashboard
# browser tests), the npm schema validator, and the aspire CLI (a local dotnet tool).
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '\n== %s\n' "$*"; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
ensure_package() { # ensure_package COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  log "Installing Debian package $2 (provides $1)"
  if [[ -z $apt_updated ]]; then as_root apt-get update -qq && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

ensure_package prometheus prometheus || echo "warning: could not install prometheus; tests that need it will fail" >&2
ensure_package chromium chromium || echo "warning: could not install chromium; the dashboard browser tests will fail" >&2

# The Kubernetes schema tests validate published manifests with the npm package kubernetes-models (and ajv for CRDs).
ensure_package npm npm || echo "warning: could not install npm; the Kubernetes schema tests will fail" >&2
if [[ ! -d tests/schema/node_modules ]]; then
  log "Installing the schema validator (npm ci in tests/schema)"
  (cd tests/schema && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm ci failed in tests/schema; the Kubernetes schema tests will fail" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The aspire CLI (a local tool of this repository, .config/dotnet-tools.json) drives publish, deploy and the dashboard's
# resources in tests, as users do; its own telemetry and colours stay off.
export ASPIRE_CLI_TELEMETRY_OPTOUT=1 NO_COLOR=1

log "Restoring the aspire CLI (dotnet tool restore)"
dotnet tool restore >/dev/null || echo "warning: dotnet tool restore failed; the tests that drive the aspire CLI will fail" >&2

log "Building"
if ! dotnet build VllmAspire.sln -nologo -v q -clp:NoSummary; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log "Testing"
results=$(mktemp -d)
dotnet test --solution VllmAspire.sln --no-build --results-directory "$results" --report-xunit-trx 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}

passed=0; failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi # a crashed test host counts as a failure
if grep -q '^failed ' "$results/console.log"; then
  # Repeated at the end, where a CI log's tail shows them: each failed test with the first lines of its error.
  log "Failed tests"
  awk '/^failed /{n=16} n>0{print; n--}' "$results/console.log" | cut -c1-240
fi
echo "$passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
