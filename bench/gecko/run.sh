#!/usr/bin/env bash
# Gecko benchmark: zkbench's streaming parser vs a Python json.load approach on the same ~200 MB profile.
# Prints wall time and peak RSS (from /usr/bin/time -v) of each, the ratios, and checks that both report
# the same figures. Usage: bench/gecko/run.sh [BUILD_DIR] [SIZE_MB]   (defaults: build, 200)
# Targets (issue 5): zkbench >= 10x faster and <= 1/5 of the memory. Not part of make test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
size_mb="${2:-200}"
work="$(mktemp -d "${TMPDIR:-/tmp}/zkbench-gecko-XXXXXX")"
trap 'rm -rf "$work"' EXIT

cmake --build "$build" --target gecko_bench >/dev/null
profile="$work/profile.json"
python3 "$here/generate.py" "$profile" "$size_mb"
ls -l "$profile" | awk '{printf "file: %.1f MB\n", $5 / 1e6}'

# Runs a command under /usr/bin/time -v; prints "seconds kib" and saves its stdout.
measure() {
  local out="$1"; shift
  /usr/bin/time -v "$@" >"$out" 2>"$out.time"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$out.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time")
  echo "$wall $rss"
}

cat "$profile" >/dev/null # warm the page cache for both
read -r z_time z_rss < <(measure "$work/zkbench.out" "$build/gecko_bench" "$profile")
read -r p_time p_rss < <(measure "$work/python.out" python3 "$here/python_json_load.py" "$profile")

if ! diff -q "$work/zkbench.out" "$work/python.out" >/dev/null; then
  echo "MISMATCH: zkbench and Python disagree"; diff "$work/zkbench.out" "$work/python.out" || true; exit 1
fi
echo "figures: identical ($(head -1 "$work/zkbench.out"))"
printf '%-22s %10s %14s\n' "" "time (s)" "peak RSS (MiB)"
printf '%-22s %10.2f %14.1f\n' "zkbench (SAX stream)" "$z_time" "$(echo "$z_rss / 1024" | bc -l)"
printf '%-22s %10.2f %14.1f\n' "python3 json.load" "$p_time" "$(echo "$p_rss / 1024" | bc -l)"
printf 'ratio: %.1fx faster, %.1fx less memory (targets: >= 10x, >= 5x)\n' \
  "$(echo "$p_time / $z_time" | bc -l)" "$(echo "$p_rss / $z_rss" | bc -l)"
