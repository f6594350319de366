#!/usr/bin/env bash
# The main job of `make demo`: the whole optimization workflow on the bundled example (examples/demo).
# Creates a git workspace in build/demo/, records the environment, measures the baseline, runs four
# experiments from the ready patches (ending KEEP, DISCARD, REJECT and KILL), and writes the tracker files.
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
demo="${DEMO_DIR:-$source_dir/build/demo}"
runs="${DEMO_RUNS:-6}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "workspace: $demo"
rm -rf "$demo" "$demo-patches"
mkdir -p "$demo"
cp -r "$source_dir/examples/demo/." "$demo/"
mv "$demo/patches" "$demo-patches"          # the patches are the experiments, not the project's code
cd "$demo"
git init -q
git config user.email "demo@zkbench.invalid"
git config user.name "zkbench demo"
printf 'state_demo\n.zkbench/\n' > .gitignore
git add -A
git commit -qm "state_demo: the program to optimize"
main_branch="$(git rev-parse --abbrev-ref HEAD)"

step "zkbench env"
"$zkbench" env

step "zkbench baseline --runs $runs"
"$zkbench" baseline --runs "$runs"

# experiment NAME HYPOTHESIS EXPECTED PATCH: exp new, commit the patch on its branch, exp run.
experiment() {
  local name="$1" hypothesis="$2" expected="$3" patch="$4"
  step "zkbench exp new \"$name\""
  local out number branch
  out="$("$zkbench" exp new "$name" --hypothesis "$hypothesis" --expected "$expected")"
  echo "$out"
  number="$(sed -n 's/^experiment \([0-9]*\):.*/\1/p' <<<"$out")"
  branch="$(sed -n 's/^branch \([^ ]*\).*/\1/p' <<<"$out")"
  git checkout -q "$branch"
  git apply "$demo-patches/$patch"
  git commit -qam "$(sed -n 's/^Subject: //p' "$demo-patches/$patch")"
  git checkout -q "$main_branch"
  step "zkbench exp run $number --strategy sequential"
  "$zkbench" exp run "$number" --strategy sequential --runs "$runs"
}

experiment "MPT hash cache" "The trie is rehashed from scratch at every state-root check; caching node hashes rehashes only the changed path" 40% 001-mpt-hash-cache.patch
experiment "Presize hex string" "Reserving the state root's hex string avoids reallocations" 1% 002-presize-hex-string.patch
experiment "Keccak 12 rounds" "Half the Keccak rounds halves the hashing cost" 30% 003-keccak-12-rounds.patch
experiment "Prefetch witness thread" "Prefetching the witness pages on a thread hides the copy latency" 5% 004-prefetch-witness-thread.patch

step "learnings, ideas, final report"
"$zkbench" learn "Trie hashing dominates: caching node hashes removed most of the work"
"$zkbench" learn "Fewer Keccak rounds is faster but changes the state root: rejected by the correctness check"
"$zkbench" idea "Arena allocator for trie nodes"
"$zkbench" exp list
"$zkbench" next || true
"$zkbench" final

step "done: the workflow's files"
git branch --list 'bench/*'
for f in benchmarks/PLAN.md benchmarks/TRACKER.md benchmarks/HISTORY.yaml benchmarks/FINAL_REPORT.md \
         benchmarks/environment.yaml benchmarks/baseline/metrics.yaml; do
  echo "  $demo/$f"
done
echo "  $demo/benchmarks/experiments/ (hypothesis.md, changes.patch, results.json, verdict.md per experiment)"
