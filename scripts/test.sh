#!/usr/bin/env bash
# Runs every test: unit tests of the text library and the host, and the integration tests against
# a real Azurite (started by the tests themselves on free ports, in memory, and stopped afterwards:
# through Testcontainers where a Docker engine answers on this machine, else from npm).
# Set INGESTWORKER_TEST_STORAGE to a connection string to run the integration tests against an
# Azurite or storage account of your own instead; INGESTWORKER_TEST_AZURITE=npm|docker forces the
# choice (docs/testing.md).
#
# Ends with one line: "N passed, N failed" (", N skipped" when any were skipped).
set -uo pipefail
cd "$(dirname "$0")/.."

mkdir -p .local
log=.local/test-output.log

if [ ! -d node_modules/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite for the integration tests)"
  npm ci --no-audit --no-fund --loglevel=error || { echo "0 passed, 1 failed"; exit 1; }
fi

# The dashboard's end-to-end test drives Debian's Chromium (no browser download works here); it
# skips, saying so, where Chromium is absent. Install it where this script may (root, apt-get).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install chromium (for the dashboard's browser test)"
    { apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; }; } \
      || echo "    Chromium could not be installed; the dashboard's browser test will skip."
  else
    echo "==> No Chromium at /usr/bin/chromium, and installing it needs root and apt-get: the dashboard's browser test will skip."
  fi
fi

echo "==> dotnet build -c Release"
if ! dotnet build IngestWorker.sln -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"; then
  echo "The build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

echo "==> dotnet test -c Release"
dotnet test IngestWorker.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly, e.g. "Passed!  - Failed: 0, Passed: 25, Skipped: 0, Total: 25".
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- ' "$log" | awk '
  { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
  END { print p+0, f+0, s+0 }')
assemblies=$(grep -cE '(Passed|Failed)! +- ' "$log")
expected=$(find tests -name '*.csproj' | wc -l)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status (a test host crashed or an assembly did not run)."
  failed=1
elif [ "$assemblies" -ne "$expected" ]; then
  echo "Only $assemblies of $expected test assemblies reported results."
  failed=$((failed + expected - assemblies))
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
