#!/usr/bin/env bash
# The main job of `make demo`: zkbench run on the bundled example (replaced by the full optimization
# workflow once it lands).
set -euo pipefail
zkbench="${1:-build/zkbench}"
"$zkbench" version
