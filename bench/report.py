"""The table and the PASS/FAIL lines of bench/run.sh, from the files it left in WORK.

Usage: report.py WORK TOOLS USERS RUNS   (TOOLS: "hyperfine zkbench [other]", USERS: "root nobody")
"""
import glob
import json
import os
import statistics
import sys

work, tools, users, runs = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
rows = [("true", "true"), ("sleep-0.01", "sleep 0.01"), ("sleep-0.05", "sleep 0.05"), ("sleep-0.1", "sleep 0.1"),
        ("sleep-1", "sleep 1")]
failures = 0


def verdict(ok):
    global failures
    failures += 0 if ok else 1
    return "PASS" if ok else "FAIL"


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def times(user, name, tool):
    """Every run's time of every round, pooled, and the containment zkbench recorded."""
    values, ways = [], set()
    for path in sorted(glob.glob(f"{work}/{user}/{name}.{tool}.*.json")):
        doc = load(path)
        if doc is None:
            continue
        result = doc["results"][0]
        values += result["times"]
        ways.update(result.get("containment", []))
    return values, ", ".join(sorted(ways))


def walls(user, name, tool):
    out = []
    for path in sorted(glob.glob(f"{work}/{user}/{name}.{tool}.*.json.wall")):
        out += [int(x) / 1e6 for x in open(path).read().split()]
    return out


for user in users:
    if not os.path.isdir(f"{work}/{user}"):
        continue
    load_text = open(f"{work}/{user}/load").read().strip() if os.path.exists(f"{work}/{user}/load") else "?"
    print(f"\n== as {user} == (load average after its rows: {load_text}; {os.cpu_count()} cores)")
    hf = walls(user, "true", "hyperfine")
    if not hf:
        print("  no figures (the tools failed to run as this user?)")
        failures += 1
        continue
    hf_total = statistics.median(hf)
    print(f"harness: total wall time of {runs} runs of `true`, median of {len(hf)} alternating rounds")
    print(f"  {'hyperfine -N':<16} {hf_total:7.3f} s   rounds {', '.join(f'{x:.3f}' for x in hf)}")
    for tool in tools[1:] + ["nogate"]:
        zk = walls(user, "true", tool)
        if tool == "nogate" and not zk:
            continue
        if not zk:
            print(f"  {tool}: no figures")
            failures += 1 if tool == "zkbench" else 0
            continue
        ratio = statistics.median(zk) / hf_total
        judged = f"(target <= 1.0) {verdict(ratio <= 1.0)}" if tool == "zkbench" else "(not judged)"
        label = "zkbench run -N --no-contention-gate" if tool == "nogate" else tool + " run -N"
        print(f"  {label:<16} {statistics.median(zk):7.3f} s   rounds {', '.join(f'{x:.3f}' for x in zk)}"
              f"   ratio {ratio:.3f} {judged}")
    print("medians (every run of every round pooled; target: within +-1% or +-0.3 ms of hyperfine's)")
    for name, label in rows:
        base, _ = times(user, name, "hyperfine")
        if not base:
            continue
        h = statistics.median(base)
        line = f"  {label:<11} hyperfine {h * 1e3:9.3f} ms (n={len(base)})"
        for tool in tools[1:]:
            values, ways = times(user, name, tool)
            if not values:
                line += f" | {tool}: no figures"
                failures += 1 if tool == "zkbench" else 0
                continue
            z = statistics.median(values)
            tolerance = max(0.01 * h, 0.0003)
            line += f" | {tool} {z * 1e3:9.3f} ms {100 * (z / h - 1):+6.2f}% ({ways or 'containment not recorded'})"
            if tool == "zkbench":
                line += " " + verdict(abs(z - h) <= tolerance)
        print(line)
    true_doc = load(f"{work}/{user}/memory-true.json")
    if true_doc and true_doc.get("containment") == "process-group":
        # Without a cgroup the peak is ru_maxrss, which for a child started in zkbench's memory counts
        # zkbench's (hyperfine's memory_usage_byte counts hyperfine's the same way): not judged.
        peak = true_doc["results"][0]["peak_memory_byte"]
        print(f"memory: peak of `true` {peak / 2**20:.2f} MiB (process-group: ru_maxrss, which counts zkbench's "
              f"own memory; the 1 MiB target applies to cgroup containment, not judged)")
    elif true_doc:
        peak = true_doc["results"][0]["peak_memory_byte"]
        print(f"memory: peak of `true` {peak / 2**20:.2f} MiB ({true_doc.get('containment')}; target <= 1 MiB) "
              f"{verdict(peak <= 2**20)}")
    else:
        print(f"memory: `zkbench run --json true` gave no JSON {verdict(False)}")
    big_doc = load(f"{work}/{user}/memory-100.json")
    if big_doc:
        peak = big_doc["results"][0]["peak_memory_byte"]
        print(f"memory: peak of touching 100 MiB {peak / 2**20:.2f} MiB ({big_doc.get('containment')}; "
              f"target within 5%) "
              f"{verdict(abs(peak / 2**20 - 100) <= 5)}")
    else:
        print("memory: touching 100 MiB skipped (build the touch_memory helper: cmake --build build --target "
              "touch_memory)")
    escaped = open(f"{work}/{user}/escaped").read().strip()
    if escaped == "did-not-run":
        print(f"escape: the run of `setsid sleep 100 & echo started` did not run {verdict(False)}")
    elif true_doc and true_doc.get("containment") == "process-group":
        # Without a cgroup a process that leaves the process group escapes (docs/robustness.md).
        print(f"escape: `setsid sleep 100 &` {'outlived' if escaped == 'yes' else 'died with'} its run "
              f"(process-group: escapes are expected, not judged)")
    else:
        print(f"escape: `setsid sleep 100 &` {'outlived' if escaped == 'yes' else 'died with'} its run "
              f"{verdict(escaped == 'no')}")
    startup = load(f"{work}/{user}/startup.json")
    if startup and len(startup["results"]) == 2:
        peer, m = startup["results"][0]["median"], startup["results"][1]["median"]
        print(f"start-up: `zkbench status --json` median {m * 1e3:.2f} ms, `hyperfine --version` "
              f"{peer * 1e3:.2f} ms (target <= 3 ms) {verdict(m <= 0.003)}")
    else:
        print(f"start-up: hyperfine could not run `zkbench status --json` {verdict(False)}")

print(f"\n{failures} check(s) failed" if failures else "\nevery check passed")
sys.exit(1 if failures else 0)
