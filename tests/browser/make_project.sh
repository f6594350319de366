#!/usr/bin/env bash
# Builds a small zkbench project with a real store for the browser test: a git repository whose "prover"
# sleeps, a baseline, three experiments run to their verdicts, a learning and an idea.
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
sleep "$(cat "$here/delay")"
cat "$1"
echo 'steps: 42' >&2
SH
chmod +x prog.sh
echo 0.04 > delay
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
correctness:
  command: "./prog.sh {input}"
policy: generic
YAML
echo ".zkbench/" > .gitignore
git init -q && git config user.email t@t && git config user.name t && git add -A && git commit -qm base
export ZKBENCH_LOCK_FILE="$dir/.zkbench-test.lock"
"$zkbench" baseline >/dev/null 2>>"$log"

experiment() { # NAME DELAY
  local out branch
  out=$("$zkbench" exp new "$1" --hypothesis "Sleeping $2 s instead of 0.04 s <saves> time" --expected 10%)
  branch=$(printf '%s\n' "$out" | sed -n 's/.*branch \([^ ]*\) (from.*/\1/p')
  git checkout -q "$branch"
  echo "$2" > delay
  git commit -qam "delay $2"
  git checkout -q -
  "$zkbench" exp run "$(printf '%s\n' "$out" | sed -n 's/^experiment \([0-9]*\).*/\1/p')" >/dev/null 2>>"$log"
}
experiment "Shorter sleep" 0.02
experiment "Longer sleep & <more>" 0.06
experiment "Slightly shorter sleep" 0.03
"$zkbench" learn "Sleep time dominates: <halving> it halves the run" >/dev/null
"$zkbench" idea "Skip the sleep entirely" >/dev/null
