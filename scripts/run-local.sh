#!/usr/bin/env bash
# Runs IngestWorker on a local Azurite with the seed articles dropped in, and prints a table of
# outcomes as they arrive. Keeps watching (drop more files, see them appear) until Ctrl-C.
#
#   scripts/run-local.sh                  # run and keep watching
#   scripts/run-local.sh --exit-when-done # stop once the dropped files have their outcomes
#   scripts/run-local.sh --json-logs      # the worker logs JSON lines (to .local/worker.log)
#   scripts/run-local.sh path/to/files... # drop these instead of seeds/
#   DASHBOARD_PORT=9000 scripts/run-local.sh  # serve the dashboard on another port (default 8080)
#
# Azurite keeps its data in .local/azurite (git-ignored); the worker logs to .local/worker.log.
# When something already listens on 127.0.0.1:10000 it is assumed to be your own Azurite and used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

exit_when_done=()
json_logs=0
inputs=()
for arg in "$@"; do
  case "$arg" in
    --exit-when-done) exit_when_done=(--exit-when-done) ;;
    --json-logs) json_logs=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) inputs+=("$arg") ;;
  esac
done
[ ${#inputs[@]} -gt 0 ] || inputs=(seeds)

mkdir -p .local
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -d node_modules/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "Building (dotnet build -c Release)"
dotnet build IngestWorker.sln -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"

# Azurite and the worker run in sessions of their own (where setsid exists), so Ctrl-C reaches only
# the outcome table; cleanup then stops the worker gracefully first (it finishes or releases what
# it holds) and Azurite after it, in that order.
detached=()
command -v setsid >/dev/null && detached=(setsid)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -n "${AzureWebJobsStorage:-}" ] && [ "${AzureWebJobsStorage}" != "UseDevelopmentStorage=true" ]; then
  say "Using the storage account in AzureWebJobsStorage"
elif port_open 10000; then
  say "Something already listens on 127.0.0.1:10000; using it as Azurite"
else
  say "Starting Azurite on 127.0.0.1:10000-10002 (data in .local/azurite, log in .local/azurite.log)"
  "${detached[@]}" node node_modules/azurite/dist/src/azurite.js --location .local/azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --disableTelemetry --skipApiVersionCheck --loose >.local/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do port_open 10000 && break; sleep 0.1; done
  port_open 10000 || { echo "Azurite did not start; see .local/azurite.log" >&2; exit 1; }
fi

# The dashboard is off by default (production); here, on the developer's own machine, it is on.
dashboard_port=${DASHBOARD_PORT:-8080}
worker_env=(env ingestWorker__http__dashboard=true ingestWorker__http__port="$dashboard_port")
if [ "$json_logs" = 1 ]; then
  worker_env+=(logging__console__formatterName=json logging__console__formatterOptions__singleLine=true)
fi
say "Starting the worker (log in .local/worker.log)"
: >.local/worker.log
"${detached[@]}" "${worker_env[@]}" dotnet src/IngestWorker/bin/Release/net10.0/IngestWorker.dll --host-json "$root/host.json" >>.local/worker.log 2>&1 &
pids=("$!" "${pids[@]}")
for _ in $(seq 300); do
  grep -q "Watching container" .local/worker.log && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then cat .local/worker.log >&2; exit 1; fi
  sleep 0.1
done
grep -q "Watching container" .local/worker.log || { echo "The worker did not start; see .local/worker.log" >&2; exit 1; }
say "Dashboard: http://127.0.0.1:$dashboard_port/  (health: /healthz/live, /healthz/ready)"

say "Dropping ${inputs[*]} into 'incoming'"
dotnet src/IngestWorker.Cli/bin/Release/net10.0/ingestworker-cli.dll drop "${inputs[@]}" --watch "${exit_when_done[@]}" --host-json "$root/host.json"
