#!/usr/bin/env bash
# The main job of `make demo`: zkbench run on the bundled example (replaced by the full optimization
# workflow once it lands). Runs in a few seconds; results and the store go to build/demo/.
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build/demo"
mkdir -p "$out"
cd "$out"

echo "== zkbench run on examples/toy-prover (a stand-in prover that prints 'steps: N' and writes a proof)"
"$zkbench" run --warmup 1 --runs 5 -L block 1,2,4 -n 'block {block}' \
  --metric 'steps=steps: ([0-9,]+)' --metric-file proof_bytes=proof.bin \
  --export-json results.json --export-markdown results.md \
  --store "$out/zkbench.db" \
  "$root/examples/toy-prover/prove.sh {block} proof.bin"

echo
echo "== results.md (hyperfine's table)"
cat results.md
echo
echo "Every run is kept in $out/zkbench.db (see: $zkbench history --store $out/zkbench.db);"
echo "JSON in hyperfine's schema, with per-run memory and metrics: $out/results.json"
