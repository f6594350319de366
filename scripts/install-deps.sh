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
  clang libclang-rt-14-dev valgrind hyperfine python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
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
