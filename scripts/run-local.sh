#!/usr/bin/env bash
# Runs IngestWorker on a local Azurite with the seed articles dropped in, and prints a table of
# outcomes as they arrive. Keeps watching (drop more files, see them appear) until Ctrl-C.
#
#   scripts/run-local.sh                  # run and keep watching
#   scripts/run-local.sh --exit-when-done # stop once the dropped files have their outcomes
#   scripts/run-local.sh --json-logs      # the worker logs JSON lines (to its log, below)
#   scripts/run-local.sh path/to/files... # drop these instead of seeds/
#   scripts/run-local.sh --blob-port 20000      # Azurite on 20000-20002 (another Azurite holds 10000)
#   scripts/run-local.sh --queue-port 20001 --table-port 20002  # (default: the blob port + 1, + 2)
#   scripts/run-local.sh --dashboard-port 9000  # the dashboard on another port (default 8080, or DASHBOARD_PORT)
#   scripts/run-local.sh --no-build             # use the Release build as it is
#
# Azurite keeps its data in .local/azurite and logs to .local/azurite.log, the worker to
# .local/worker.log (git-ignored); on another blob port, all three are in .local/run-PORT/ so that
# two runs never share them. When something already listens on the blob port it is assumed to be
# your own Azurite and used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

exit_when_done=()
json_logs=0
build=1
blob_port=10000
queue_port=
table_port=
dashboard_port=${DASHBOARD_PORT:-8080}
inputs=()
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
port_value() {
  [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || { echo "$1 needs a port number (1-65535); see --help." >&2; exit 2; }
}
while [ $# -gt 0 ]; do
  case "$1" in
    --exit-when-done) exit_when_done=(--exit-when-done) ;;
    --json-logs) json_logs=1 ;;
    --no-build) build=0 ;;
    --blob-port) port_value "$1" "${2:-}"; blob_port=$2; shift ;;
    --queue-port) port_value "$1" "${2:-}"; queue_port=$2; shift ;;
    --table-port) port_value "$1" "${2:-}"; table_port=$2; shift ;;
    --dashboard-port) port_value "$1" "${2:-}"; dashboard_port=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "Unknown option $1; see --help." >&2; exit 2 ;;
    *) inputs+=("$1") ;;
  esac
  shift
done
[ ${#inputs[@]} -gt 0 ] || inputs=(seeds)
queue_port=${queue_port:-$((blob_port + 1))}
table_port=${table_port:-$((blob_port + 2))}
run_dir=.local
[ "$blob_port" = 10000 ] || run_dir=.local/run-$blob_port

mkdir -p "$run_dir"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -d node_modules/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$build" = 1 ]; then
  say "Building (dotnet build -c Release)"
  dotnet build IngestWorker.sln -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary"
fi

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
elif env | grep -q '^AzureWebJobsStorage__'; then
  say "Using the identity-based connection in AzureWebJobsStorage__* (docs/configuration.md, Storage connection)"
else
  # Azurite's well-known development account (not a secret), on the chosen ports.
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
  if port_open "$blob_port"; then
    say "Something already listens on 127.0.0.1:$blob_port; using it as Azurite"
  else
    say "Starting Azurite on 127.0.0.1:$blob_port/$queue_port/$table_port (data in $run_dir/azurite, log in $run_dir/azurite.log)"
    "${detached[@]}" node node_modules/azurite/dist/src/azurite.js --location "$run_dir/azurite" \
      --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
      --blobPort "$blob_port" --queuePort "$queue_port" --tablePort "$table_port" \
      --disableTelemetry --skipApiVersionCheck --loose >"$run_dir/azurite.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do port_open "$blob_port" && break; sleep 0.1; done
    port_open "$blob_port" || { echo "Azurite did not start; see $run_dir/azurite.log" >&2; exit 1; }
  fi
fi

# The dashboard is off by default (production); here, on the developer's own machine, it is on.
worker_env=(env ingestWorker__http__dashboard=true ingestWorker__http__port="$dashboard_port")
if [ "$json_logs" = 1 ]; then
  worker_env+=(logging__console__formatterName=json logging__console__formatterOptions__singleLine=true)
fi
say "Starting the worker (log in $run_dir/worker.log)"
: >"$run_dir/worker.log"
"${detached[@]}" "${worker_env[@]}" dotnet src/IngestWorker/bin/Release/net10.0/IngestWorker.dll --host-json "$root/host.json" >>"$run_dir/worker.log" 2>&1 &
pids=("$!" "${pids[@]}")
for _ in $(seq 300); do
  grep -q "Watching container" "$run_dir/worker.log" && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then cat "$run_dir/worker.log" >&2; exit 1; fi
  sleep 0.1
done
grep -q "Watching container" "$run_dir/worker.log" || { echo "The worker did not start; see $run_dir/worker.log" >&2; exit 1; }
say "Dashboard: http://127.0.0.1:$dashboard_port/  (health: /healthz/live, /healthz/ready)"

say "Dropping ${inputs[*]} into 'incoming'"
dotnet src/IngestWorker.Cli/bin/Release/net10.0/ingestworker-cli.dll drop "${inputs[@]}" --watch "${exit_when_done[@]}" --host-json "$root/host.json"
