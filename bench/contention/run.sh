#!/usr/bin/env bash
# The contention gate against a load that comes and goes (issue 18): verdicts and wall time of N no-op
# and N real-gain experiments, with the gate off and on, on a CPU-bound command of about 0.2 s, beside one
# compiler-like busy loops that run ON seconds and rests OFF seconds (default 10 and 10).
#
# Usage: bench/contention/run.sh [path/to/zkbench]
#   N=10 experiments of each kind per mode; ON=10 OFF=10 seconds of the load's cycle; LOADS busy loops
#   (default: as many as cores);
#   MODES="off on" (off: ZKBENCH_CONTENTION_GATE=off).
# Prints one line per experiment (mode, kind, verdict, change, runs, wall seconds) and a summary per mode:
# the verdict counts of each kind, false KEEPs (a no-op KEEP), missed KEEPs (a gain not KEEP) and the
# median and total wall time. Nothing else should run on the machine: quote the load average it prints.
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
n="${N:-10}"
on_s="${ON:-10}"
off_s="${OFF:-10}"
loads="${LOADS:-$(nproc)}"
modes="${MODES:-off on}"
command -v cc > /dev/null || { echo "error: a C compiler (cc) is needed for the CPU-bound program" >&2; exit 1; }
[ -x "$zkbench" ] || { echo "error: $zkbench is not built (run make)" >&2; exit 1; }

work="$(mktemp -d /tmp/zkbench-contention.XXXXXX)"
load_pid=""
cleanup() {
  [ -z "$load_pid" ] || kill -- -"$load_pid" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The load: LOADS busy loops for ON s, then nothing for OFF s, in its own process group.
start_load() {
  setsid bash -c "while :; do
      for i in \$(seq 1 $loads); do timeout $on_s sh -c 'while :; do :; done' & done
      wait; sleep $off_s
    done" > /dev/null 2>&1 &
  load_pid=$!
}

# A project whose command does a fixed amount of CPU work (the file `work`: iterations), about 0.2 s.
make_project() {
  local dir="$1"
  mkdir -p "$dir/inputs" "$dir/benchmarks"
  cat > "$dir/prog.c" << 'EOF'
#include <stdio.h>
#include <stdlib.h>
// Does `work` iterations of a dependent chain (no memory traffic), then prints its input's name.
int main(int argc, char** argv) {
  FILE* f = fopen("work", "r");
  long n = 0;
  if (f == NULL || fscanf(f, "%ld", &n) != 1) return 2;
  fclose(f);
  volatile unsigned long x = 1;
  for (long i = 0; i < n; ++i) x = x * 6364136223846793005UL + 1442695040888963407UL;
  printf("%s\n", argc > 1 ? argv[1] : "");
  return 0;
}
EOF
  # Calibrate to about 0.2 s on this machine (while the load rests).
  cc -O1 -o "$dir/prog" "$dir/prog.c"
  echo 10000000 > "$dir/work"
  local t0 t1
  t0=$(date +%s%N); (cd "$dir" && ./prog > /dev/null); t1=$(date +%s%N)
  echo $((10000000 * 200000000 / (t1 - t0 + 1))) > "$dir/work"
  echo "input a" > "$dir/inputs/a.txt"
  printf 'inputs:\n  - name: a\n    path: ../inputs/a.txt\n' > "$dir/benchmarks/inputs.yaml"
  cat > "$dir/zkbench.yaml" << 'EOF'
objective: "Make prog faster"
benchmark:
  build: "cc -O1 -o prog prog.c"
  command: "./prog {input}"
  warmup: 1
  cooldown_seconds: 0
correctness:
  command: "./prog {input}"
policy: generic
EOF
  printf '.zkbench/\nprog\n' > "$dir/.gitignore"
  (cd "$dir" && git init -q && git config user.email b@b && git config user.name bench && git add -A &&
    git commit -qm base)
}

# `exp new`, then on its branch: the change, committed. Prints the experiment's number.
experiment() {
  local dir="$1" name="$2" kind="$3" created number branch
  created="$(cd "$dir" && "$zkbench" exp new "$name" --hypothesis bench --expected 20% 2> /dev/null)"
  number="${created:11:3}"
  branch="$(sed -n 's/.*branch \([^ ]*\) (from.*/\1/p' <<< "$created" | head -1)"
  (
    cd "$dir"
    git checkout -q "$branch"
    if [ "$kind" = gain ]; then
      echo $(($(cat work) * 8 / 10)) > work # 20% less work
    else
      echo "// $name: a comment only" >> prog.c
    fi
    git commit -qam "$name" && git checkout -q -
  )
  echo "$number"
}

echo "zkbench contention bench: $zkbench; $(nproc) cores; load: $loads busy loop(s), ${on_s} s on / ${off_s} s off"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results.txt"
for mode in $modes; do # calibrated before the load starts
  make_project "$work/project-$mode"
  echo "mode $mode: $(cat "$work/project-$mode/work") iterations per run"
done
start_load
for mode in $modes; do
  dir="$work/project-$mode"
  env=()
  [ "$mode" = on ] || env=(ZKBENCH_CONTENTION_GATE=off)
  (cd "$dir" && env "${env[@]}" "$zkbench" baseline > "$work/baseline-$mode.txt" 2>&1) ||
    { echo "error: baseline failed:"; cat "$work/baseline-$mode.txt"; exit 1; }
  for i in $(seq 1 "$n"); do
    for kind in noop gain; do
      number="$(experiment "$dir" "$kind $i" "$kind")"
      t0=$(date +%s%N)
      out="$(cd "$dir" && env "${env[@]}" "$zkbench" exp run "$number" 2>&1)" || true
      t1=$(date +%s%N)
      summary="$(grep -m1 "^experiment $number " <<< "$out" || echo "experiment $number (?): ERROR")"
      verdict="$(sed -n 's/^experiment [0-9]* (.*): \([A-Z]*\).*/\1/p' <<< "$summary")"
      change="$(awk '{print $NF}' <<< "$summary")"
      runs="$(grep -o 'after [0-9]* runs per side' <<< "$out" | tail -1 | grep -o '[0-9]*' || echo '?')"
      printf '%s %s %s %s %s %.1f\n' "$mode" "$kind" "${verdict:-ERROR}" "$change" "${runs:-?}" \
        "$(echo "($t1 - $t0) / 1000000000" | bc -l)" | tee -a "$results"
      [ -n "$verdict" ] || echo "$out" | tail -5
    done
  done
done
kill -- -"$load_pid" 2> /dev/null || true
load_pid=""
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" << 'EOF'
import collections, statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for mode in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == mode]
    walls = [float(r[5]) for r in mine]
    print(f"\ngate {mode}: {len(mine)} experiments, wall median {statistics.median(walls):.1f} s, total {sum(walls):.0f} s")
    for kind in ("noop", "gain"):
        verdicts = collections.Counter(r[2] for r in mine if r[1] == kind)
        print(f"  {kind}: " + ", ".join(f"{v} {c}" for v, c in sorted(verdicts.items())))
    false_keep = sum(1 for r in mine if r[1] == "noop" and r[2] == "KEEP")
    missed = sum(1 for r in mine if r[1] == "gain" and r[2] != "KEEP")
    wrong_gain = sum(1 for r in mine if r[1] == "gain" and r[2] in ("DISCARD", "KILL"))
    print(f"  false KEEP {false_keep}, missed KEEP {missed} (of which DISCARD/KILL {wrong_gain})")
EOF
