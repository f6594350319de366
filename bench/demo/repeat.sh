#!/usr/bin/env bash
# Repeats make demo's workflow (scripts/demo.sh) N times and prints each repeat's verdicts, so the demo's
# stability can be checked: 001 KEEP, 002 DISCARD (a no-op: never KEEP or MAYBE, issue 22), 003 REJECT, 004 KILL
# every time.
#   bench/demo/repeat.sh [ZKBENCH] [N] [BUSY]   BUSY: how many CPU-bound processes load the machine meanwhile
#   LOGS=DIR keeps each repeat's whole output as DIR/repeat-I.log (the verdicts' reasons).
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
n="${2:-10}"
busy="${3:-0}"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
pids=()
for _ in $(seq 1 "$busy"); do
  sh -c 'while :; do :; done' &
  pids+=($!)
done
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
ok=0
for i in $(seq 1 "$n"); do
  DEMO_DIR="$work/demo" "$source_dir/scripts/demo.sh" "$zkbench" > "$work/log" 2>&1 || true
  if [ -n "${LOGS:-}" ]; then
    mkdir -p "$LOGS" && cp "$work/log" "$LOGS/repeat-$i.log"
  fi
  verdicts=$(grep -E '^experiment 00[1-4] \(' "$work/log" | sed -E 's/^experiment (00[1-4]) \([^)]*\): ([A-Z]+).*/\1=\2/' | tr '\n' ' ')
  if [[ "$verdicts" =~ 001=KEEP\ 002=DISCARD\ 003=REJECT\ 004=KILL ]]; then ok=$((ok + 1)); fi
  echo "repeat $i: $verdicts(load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "as expected: $ok of $n (with $busy CPU-bound processes)"
