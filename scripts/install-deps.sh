#!/usr/bin/env bash
# Installs the Debian packages zkbench needs to build, test and run its demo.
# Idempotent: packages already present are skipped without touching apt. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev sqlite3 libre2-dev
  libfmt-dev libspdlog-dev libexpected-dev libboost-math-dev zlib1g-dev
  libcurl4-openssl-dev libcpp-httplib-dev libpqxx-dev postgresql
  libgtest-dev libgmock-dev
  slurmctld slurmd slurm-client munge
  clang libclang-rt-14-dev valgrind hyperfine python3
  chromium nodejs wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's nodejs lacks npm (a separate package); NodeSource's nodejs bundles it and conflicts with
# Debian's npm, so ask for the package only when the command is missing.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

# The browser test's playwright-core (tests/browser/), from its lockfile; node_modules stays out of git.
install_browser_test_modules() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if command -v npm >/dev/null 2>&1 && [ ! -d "$dir/node_modules/playwright-core" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_browser_test_modules
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "error: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_browser_test_modules
