#!/usr/bin/env bash
# The dashboard's benchmarks (issue 6):
#  (1) `zkbench report` on a store of EXPERIMENTS experiments x INPUTS inputs x RUNS runs per side
#      (default 1,000 x 5 x 20; target < 2 s): the time of each of ROUNDS runs and their median;
#  (2) `zkbench serve` on that store under loopback load (wrk, DURATION each, default 10 s) for the
#      index page, /api/status and /api/experiments/NNN: requests/s, latency, errors (target: none).
# Usage: bench/report/run.sh [BUILD_DIR]   (env: EXPERIMENTS INPUTS RUNS ROUNDS DURATION THREADS CONNECTIONS)
set -euo pipefail
build="$(realpath "${1:-build}")"
zkbench="$build/zkbench"
fill="$build/bench_fill_store"
experiments="${EXPERIMENTS:-1000}"
inputs="${INPUTS:-5}"
runs="${RUNS:-20}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
for tool in "$zkbench" "$fill"; do
  [ -x "$tool" ] || { echo "error: $tool is not built (cmake --build build --target zkbench bench_fill_store)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "error: wrk is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A project whose store holds the synthetic workflow.
mkdir -p "$work/inputs" "$work/benchmarks"
{
  echo "inputs:"
  for i in $(seq 1 "$inputs"); do
    echo "input $i" > "$work/inputs/$i.txt"
    printf '  - name: input-%s\n    path: ../inputs/%s.txt\n' "$i" "$i"
  done
} > "$work/benchmarks/inputs.yaml"
cat > "$work/zkbench.yaml" <<'YAML'
benchmark:
  command: "cat {input}"
  runs: 20
correctness:
  command: "cat {input}"
policy: generic
YAML
(cd "$work" && git init -q && git config user.email b@b && git config user.name b && git add -A && git commit -qm base)
t0=$(date +%s%N)
"$fill" "$work/.zkbench/zkbench.db" "$experiments" "$inputs" "$runs" >/dev/null
t1=$(date +%s%N)
echo "store: $experiments experiments x $inputs inputs x $runs runs per side, filled in $(( (t1 - t0) / 1000000 )) ms" \
     "($(du -h "$work/.zkbench/zkbench.db" | cut -f1))"

times=()
for round in $(seq 1 "$rounds"); do
  t0=$(date +%s%N)
  (cd "$work" && "$zkbench" report >/dev/null)
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( rounds / 2 ))]}
files=$(find "$work/benchmarks/report" -type f | wc -l)
size=$(du -sh "$work/benchmarks/report" | cut -f1)
echo "zkbench report: ${times[*]} ms (median $median ms; target < 2000 ms); $files files, $size"

(cd "$work" && exec "$zkbench" serve --port 0) >"$work/serve.log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 200); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "error: zkbench serve printed no address:"; cat "$work/serve.log"; exit 1; }

middle=$(printf '%03d' $(( (experiments + 1) / 2 )))
status=0
for path in "" "api/status" "api/experiments/$middle"; do
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url$path")
  rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
  latency=$(printf '%s\n' "$out" | awk '/^ +Latency / {print $2; exit}')
  p99=$(printf '%s\n' "$out" | awk '/^ +99%/ {print $2}')
  total=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
  socket=$(printf '%s\n' "$out" | awk '/Socket errors/ {print $0}')
  echo "serve /$path: $total requests in $duration, $rps req/s, mean latency $latency, p99 $p99," \
       "non-2xx ${non2xx:-0}, ${socket:-socket errors none}"
  if [ -n "$non2xx" ] || [ -n "$socket" ]; then status=1; fi
done
kill -0 "$server" 2>/dev/null || { echo "error: the server died under load"; cat "$work/serve.log"; exit 1; }
exit $status
