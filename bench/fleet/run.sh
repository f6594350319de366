#!/usr/bin/env bash
# Fleet benchmark: 16 `zkbench worker` processes (each its own machine lock, as 16 machines) claim
# 2,000 short jobs (`zkbench version`) from a PostgreSQL queue. Prints jobs/s (wall time from the
# workers' start until the queue is drained) and the claim latency percentiles the workers recorded
# (jobs.result.claim_us: the claim transaction, SELECT ... FOR UPDATE SKIP LOCKED + UPDATE).
#
#   bench/fleet/run.sh [path/to/zkbench] [workers] [jobs]
set -euo pipefail

zkbench="$(realpath "${1:-build/zkbench}")"
workers="${2:-16}"
jobs="${3:-2000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/zkbench-fleet-bench-XXXXXX)"
chmod 755 "$work" # the server runs as the postgres user when we are root
state="$work/pg"
trap '"$root/scripts/pg-test-server.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# A durable server (fsync on), as a team's would be.
url="$(ZKBENCH_PG_DURABLE=1 "$root/scripts/pg-test-server.sh" start "$state")"
"$zkbench" store migrate --store "$url" >/dev/null
psql -q "$url" -c "INSERT INTO jobs (kind, payload, machine_class, max_attempts, status, created_at_us)
  SELECT 'command', '{\"argv\":[\"version\"]}', 'h100', 3, 'queued', 0 FROM generate_series(1, $jobs)"

start=$(date +%s.%N)
pids=()
for i in $(seq "$workers"); do
  "$zkbench" worker --store "$url" --class h100 --name "bench-$i" --until-empty \
    --lock-file "$work/lock-$i" --log-dir "$work/logs" >/dev/null 2>"$work/worker-$i.log" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
end=$(date +%s.%N)

psql -qtA -F ' ' "$url" -c "
  SELECT COUNT(*) FILTER (WHERE status = 'done'), COUNT(*) FILTER (WHERE attempts <> 1),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY (result::json->>'claim_us')::bigint),
         percentile_cont(0.99) WITHIN GROUP (ORDER BY (result::json->>'claim_us')::bigint),
         MAX((result::json->>'claim_us')::bigint)
  FROM jobs" | {
  read -r done reclaimed p50 p99 max
  awk -v done="$done" -v jobs="$jobs" -v workers="$workers" -v reclaimed="$reclaimed" -v s="$start" -v e="$end" \
      -v p50="$p50" -v p99="$p99" -v max="$max" -v cores="$(nproc)" 'BEGIN {
    wall = e - s
    printf "fleet: %d workers, %d jobs (zkbench version), PostgreSQL 15 on loopback, %d cores\n", workers, jobs, cores
    printf "  done %d/%d, claimed more than once: %d\n", done, jobs, reclaimed
    printf "  wall %.2f s -> %.0f jobs/s\n", wall, done / wall
    printf "  claim latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", p50 / 1000, p99 / 1000, max / 1000
    if (done != jobs || reclaimed != 0) { exit 1 }
  }'
}
