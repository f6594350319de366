#!/usr/bin/env bash
# Writes the man page and the shell completions of the zkbench binary $1 under the folder $2, in the
# layout `cmake --install` copies: man/man1/zkbench.1.gz, bash-completion/completions/zkbench,
# zsh/vendor-completions/_zkbench, fish/vendor_completions.d/zkbench.fish. A build step (CMakeLists.txt):
# everything comes from `zkbench generate`, i.e. from the option table the parser uses.
set -euo pipefail
zkbench=$1
out=$2
mkdir -p "$out/man/man1" "$out/bash-completion/completions" "$out/zsh/vendor-completions" \
  "$out/fish/vendor_completions.d"
"$zkbench" generate man | gzip -n -9 > "$out/man/man1/zkbench.1.gz"
"$zkbench" generate bash > "$out/bash-completion/completions/zkbench"
"$zkbench" generate zsh > "$out/zsh/vendor-completions/_zkbench"
"$zkbench" generate fish > "$out/fish/vendor_completions.d/zkbench.fish"
