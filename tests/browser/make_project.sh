#!/usr/bin/env bash
# Builds a small zkbench project with a real store for the browser test: a git repository whose "prover"
# sleeps briefly and prints its steps (the primary metric, so the verdicts and changes are exact however
# loaded the machine), a baseline, three experiments run to their verdicts, a learning and an idea.
# Usage: make_project.sh ZKBENCH DIR
set -euo pipefail
zkbench=$1
dir=$2
rm -rf "$dir"
log="$(cd "$(dirname "$dir")" && pwd)/make_project.log" # stderr of the workflow commands (load warnings, ...)
: > "$log"
mkdir -p "$dir/inputs" "$dir/benchmarks"
cd "$dir"
cat > prog.sh <<'SH'
#!/bin/sh
here=$(dirname "$0")
sleep 0.02
cat "$1"
echo "steps: $(cat "$here/steps")" >&2
SH
chmod +x prog.sh
echo 1000 > steps
printf 'preset: generic\nprimary_metric: steps\n' > steps-policy.yaml
echo "input a" > inputs/a.txt
echo "input b" > inputs/b.txt
cat > benchmarks/inputs.yaml <<'YAML'
inputs:
  - name: a
    path: ../inputs/a.txt
  - name: b
    path: ../inputs/b.txt
    weight: 2
YAML
cat > zkbench.yaml <<'YAML'
objective: "Make prog.sh faster"
benchmark:
  build: "chmod +x prog.sh"
  command: "./prog.sh {input}"
  runs: 4
  warmup: 0
  cooldown_seconds: 0
  timeout_multiplier: 3.0
  metrics:
    steps: 'steps: ([0-9]+)'
correctness:
  command: "./prog.sh {input}"
policy: steps-policy.yaml
YAML
echo ".zkbench/" > .gitignore
git init -q && git config user.email t@t && git config user.name t && git add -A && git commit -qm base
export ZKBENCH_LOCK_FILE="$dir/.zkbench-test.lock"
"$zkbench" baseline >/dev/null 2>>"$log"

experiment() { # NAME STEPS
  local out branch
  out=$("$zkbench" exp new "$1" --hypothesis "$2 steps instead of 1000 <saves> time" --expected 10%)
  branch=$(printf '%s\n' "$out" | sed -n 's/.*branch \([^ ]*\) (from.*/\1/p')
  git checkout -q "$branch"
  echo "$2" > steps
  git commit -qam "steps $2"
  git checkout -q -
  "$zkbench" exp run --strategy fixed "$(printf '%s\n' "$out" | sed -n 's/^experiment \([0-9]*\).*/\1/p')" >/dev/null 2>>"$log"
}
experiment "Fewer steps" 500
experiment "More steps & <more>" 1500
experiment "Slightly fewer steps" 750
"$zkbench" learn "Steps dominate: <halving> them halves the run" >/dev/null
"$zkbench" idea "Skip the steps entirely" >/dev/null
# A bisection on main: four commits after GOOD, the third makes it do 1300 steps; steps declared
# deterministic, so each commit is measured once and the answer is exact.
sed -i 's/^  runs: 4$/  runs: 4\n  deterministic: [steps]/' zkbench.yaml
git commit -qam "declare steps deterministic"
good=$(git rev-parse HEAD)
echo "note" > NOTES.txt && git add NOTES.txt && git commit -qm "a note"
echo 1300 > steps && git commit -qam "steps 1300"
echo "another note" >> NOTES.txt && git commit -qam "another note"
"$zkbench" bisect --metric steps "$good" HEAD >/dev/null 2>>"$log"
