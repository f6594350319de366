#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR (make fuzz) for SECONDS each, seeded with the real tool
# outputs in ../shared/fixtures/<format>/ and tests/fuzz/corpus/<format>/. New inputs go to a temporary
# corpus; a crash leaves its reproducer in BUILD_DIR/fuzz-artifacts/ and fails the script.
# Usage: scripts/run-fuzzers.sh [BUILD_DIR] [SECONDS]   (defaults: build-fuzz, 10)
# FUZZ_SEED (default 1) fixes libFuzzer's random seed, so that `make test` explores the same inputs on every
# machine (a faster machine just goes further along the same path) and CI does not fail on a new random find;
# FUZZ_SEED=0 draws a fresh seed each run, for exploratory fuzzing (`make fuzz FUZZ_SEED=0 FUZZ_SECONDS=600`).
# Crashes found that way belong in tests/fuzz/corpus/<format>/ as regression seeds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-fuzz}"
seconds="${2:-10}"
seed="${FUZZ_SEED:-1}"
fixtures="${ZKBENCH_FIXTURES_DIR:-$root/../shared/fixtures}"
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

# The fixture folders that seed each target ("fuzz_ziskemu" -> zisk/).
seed_folders() {
  case "$1" in
    ziskemu) echo zisk ;;
    nvidia_smi) echo nvidia ;;
    prover_outputs) echo zisk sp1 risc0 ;;
    *) echo "$1" ;;
  esac
}

status=0
found=0
for fuzzer in "$build"/fuzz_*; do
  [[ -x "$fuzzer" && -f "$fuzzer" ]] || continue
  found=1
  name="$(basename "$fuzzer")"
  format="${name#fuzz_}"
  corpus="$(mktemp -d "${TMPDIR:-/tmp}/zkbench-$name-XXXXXX")"
  seeds=()
  dirs=("$root/tests/fuzz/corpus/$format")
  for folder in $(seed_folders "$format"); do dirs+=("$fixtures/$folder"); done
  for dir in "${dirs[@]}"; do
    [[ -d "$dir" ]] && seeds+=("$dir")
  done
  echo "== $name: ${seconds}s, seed $seed, corpus: ${seeds[*]:-none}"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$fuzzer" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$artifacts/$name-" "$corpus" "${seeds[@]}" >"$corpus.log" 2>&1; then
    echo "FAILED: $name (log and reproducer below, artifacts in $artifacts)"
    tail -n 60 "$corpus.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$corpus.log" | tail -n 2 || true
  fi
  rm -rf "$corpus" "$corpus.log"
done
if [[ "$found" == 0 ]]; then
  echo "no fuzzers in $build (configure with CXX=clang++ -DZKBENCH_FUZZ=ON)"
  exit 1
fi
exit "$status"
