#!/usr/bin/env bash
# Start-up benchmark (issue 14): how long zkbench takes for commands that do almost nothing, against
# `hyperfine --version`, measured side by side in one hyperfine run (alternating is not available in
# hyperfine; the commands run back to back with warmups, on the same machine state).
#
# Prints each command's median and mean, the ratios to hyperfine --version, and the targets:
# `zkbench version` and `zkbench status --json` <= 3 ms median. Also prints how many shared libraries
# the binary loads at start (ldd) and the machine's load average, which the figures depend on, and (not
# judged) the floor of any program linked as zkbench is: an empty C++ program that uses libstdc++
# (built here with g++, as zkbench links it: libstdc++ and libc shared), whose start is the dynamic
# loader's relocation of libstdc++ and libc's and libstdc++'s initialisation, and nothing of zkbench.
#
# Usage: bench/startup/run.sh [path/to/zkbench]   (RUNS=500 by default)
set -euo pipefail
zkbench="$(realpath "${1:-build/zkbench}")"
runs="${RUNS:-500}"
command -v hyperfine > /dev/null || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$zkbench" ] || { echo "error: $zkbench is not built (run make)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# `status --json` reads the project's status file: run it in an empty folder (no measurement running).
cd "$work"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "shared libraries loaded at start: $(ldd "$zkbench" | wc -l) ($(ldd "$zkbench" | awk '{print $1}' | tr '\n' ' '))"
floor=()
if command -v g++ > /dev/null; then
  printf '#include <string>\nint main(int argc, char** argv) { return std::string(argv[0]).size() > 4096 && argc > 0; }\n' \
    > "$work/floor.cpp"
  g++ -O2 -o "$work/floor" "$work/floor.cpp" && floor=(-n 'empty C++ program' "$work/floor")
fi
hyperfine -N --style none --warmup 50 --runs "$runs" --export-json "$work/startup.json" \
  -n 'hyperfine --version' 'hyperfine --version' "${floor[@]}" \
  -n 'zkbench version' "$zkbench version" \
  -n 'zkbench status --json' "$zkbench status --json" > /dev/null
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/startup.json" "$runs" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
peer = results["hyperfine --version"]["median"]
print(f"\nstart-up, {sys.argv[2]} runs each (medians; target: zkbench <= 3 ms)")
for name, r in results.items():
    target = ""
    if name.startswith("zkbench"):
        target = "  ok" if r["median"] <= 0.003 else "  ABOVE TARGET"
    print(f"  {name:<24} median {r['median'] * 1e3:6.2f} ms   mean {r['mean'] * 1e3:6.2f} ms ± "
          f"{r['stddev'] * 1e3:5.2f}   x{r['median'] / peer:5.2f} hyperfine --version{target}")
PY
