#!/usr/bin/env bash
# Harness benchmark of `zkbench run` against hyperfine -N (issue 2), measured in one go.
#
# Prints:
#  (1) the total wall time of each harness for 300 runs of `true` (median of ROUNDS alternating rounds)
#      and their ratio (target: zkbench / hyperfine <= 1.0);
#  (2) each tool's measured median for `true` and for `sleep 0.05` (target: within 5% of hyperfine's).
#
# Usage: bench/run.sh [path/to/zkbench]   (ROUNDS=5 RUNS=300 by default)
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
rounds="${ROUNDS:-5}"
runs="${RUNS:-300}"
command -v hyperfine >/dev/null || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$zkbench" ] || { echo "error: $zkbench is not built (run make)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }  # nanoseconds

harness_hf=()
harness_zk=()
for round in $(seq 1 "$rounds"); do
  t0=$(now)
  hyperfine -N --style none --runs "$runs" --export-json "$work/hf_true_$round.json" true >/dev/null 2>&1
  t1=$(now)
  "$zkbench" run -N --runs "$runs" --store "$work/store_$round.db" \
    --export-json "$work/zk_true_$round.json" true >/dev/null 2>&1
  t2=$(now)
  harness_hf+=("$(( (t1 - t0) / 1000 ))")  # microseconds
  harness_zk+=("$(( (t2 - t1) / 1000 ))")
done

hyperfine -N --style none --runs 40 --warmup 3 --export-json "$work/hf_sleep.json" 'sleep 0.05' >/dev/null 2>&1
"$zkbench" run -N --runs 40 --warmup 3 --store "$work/store_sleep.db" \
  --export-json "$work/zk_sleep.json" 'sleep 0.05' >/dev/null 2>&1

python3 - "$work" "$rounds" "$runs" "${harness_hf[*]}" "${harness_zk[*]}" <<'PY'
import json, statistics, sys
work, rounds, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hf = [float(x) / 1e6 for x in sys.argv[4].split()]
zk = [float(x) / 1e6 for x in sys.argv[5].split()]

def median_of(path):
    return json.load(open(path))["results"][0]["median"]

print(f"zkbench harness benchmark: {runs} runs of `true`, {rounds} alternating rounds (medians)")
print()
print("(1) total harness wall time for %d runs of `true`" % runs)
hf_m, zk_m = statistics.median(hf), statistics.median(zk)
print(f"    hyperfine -N : {hf_m:8.3f} s   (rounds: {', '.join(f'{x:.3f}' for x in hf)})")
print(f"    zkbench run  : {zk_m:8.3f} s   (rounds: {', '.join(f'{x:.3f}' for x in zk)})")
print(f"    ratio zkbench/hyperfine: {zk_m / hf_m:.3f}   (target <= 1.0)")
print()
print("(2) measured medians")
hf_true = statistics.median([median_of(f"{work}/hf_true_{r}.json") for r in range(1, rounds + 1)])
zk_true = statistics.median([median_of(f"{work}/zk_true_{r}.json") for r in range(1, rounds + 1)])
hf_sleep, zk_sleep = median_of(f"{work}/hf_sleep.json"), median_of(f"{work}/zk_sleep.json")
for name, h, z in (("true", hf_true, zk_true), ("sleep 0.05", hf_sleep, zk_sleep)):
    print(f"    {name:<11} hyperfine {h * 1e3:9.3f} ms   zkbench {z * 1e3:9.3f} ms   "
          f"difference {100 * (z / h - 1):+6.2f}%   (target within ±5%)")
PY
