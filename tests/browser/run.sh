#!/usr/bin/env bash
# The browser test, run by ctest: builds a small project with a real store (make_project.sh: baseline,
# three experiments), serves its live dashboard with `zkbench serve --port 0`, writes the sample report
# (8 experiments with every chart) for file://, and checks both in headless Chromium (report_smoke.mjs),
# saving screenshots under OUT_DIR.
# Usage: run.sh ZKBENCH SAMPLE_REPORT OUT_DIR
# Exits 77 (ctest: skipped) with a message when node or chromium is missing; install-deps.sh installs both.
set -euo pipefail

zkbench=$1
sample_report=$2
out_dir=$3
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (scripts/install-deps.sh installs nodejs)"
  exit 77
fi
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium is not installed (scripts/install-deps.sh installs chromium)"
  exit 77
fi

if [ ! -d "$here/node_modules/playwright-core" ] && ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: npm is not installed and tests/browser/node_modules is missing (scripts/install-deps.sh installs both)"
  exit 77
fi

# playwright-core from the lockfile, once (and again whenever the lockfile changes).
stamp="$here/node_modules/.zkbench-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
fi

rm -rf "$out_dir/report"
mkdir -p "$out_dir"
"$sample_report" "$out_dir/report"
"$here/make_project.sh" "$zkbench" "$out_dir/project"

log="$out_dir/serve.log"
(cd "$out_dir/project" && exec "$zkbench" serve --port 0) >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" || true)
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "zkbench serve exited early:"; cat "$log"; exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "zkbench serve printed no address:"; cat "$log"; exit 1
fi

CHROMIUM="$chromium" node "$here/report_smoke.mjs" "$url" "file://$(cd "$out_dir/report" && pwd)/index.html" "$out_dir"
