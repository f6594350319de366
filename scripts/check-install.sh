#!/usr/bin/env bash
# ctest `install.check`: installs the build folder $1 into a temporary DESTDIR ($2, emptied first) with
# `cmake --install`, then checks what a user of the installed zkbench gets: `--help`, the man page
# through `man -l` (no groff warnings), the bash completion (and fish's and zsh's when those shells
# are installed), and the PostgreSQL module found from the install layout.
set -euo pipefail
build=$1
dest=$2
rm -rf "$dest"
mkdir -p "$dest"
fail() {
  echo "check-install: $*" >&2
  exit 1
}

DESTDIR="$dest" cmake --install "$build" --prefix /usr > "$dest/install.log"
root="$dest/usr"
zkbench="$root/bin/zkbench"
[ -x "$zkbench" ] || fail "no executable at $zkbench"

"$zkbench" --help > "$dest/help.txt" || fail "zkbench --help failed"
grep -q "Benchmark commands" "$dest/help.txt" || fail "--help does not list the run command"
if grep -q "generate" "$dest/help.txt"; then
  fail "--help lists the hidden generate command"
fi

page="$root/share/man/man1/zkbench.1.gz"
[ -f "$page" ] || fail "no man page at $page"
command -v man > /dev/null || fail "man is missing (apt-get install man-db)"
MANWIDTH=120 man --warnings -l "$page" > "$dest/man.txt" 2> "$dest/man.err" || fail "man -l $page failed"
[ ! -s "$dest/man.err" ] || fail "man -l $page warns: $(head -3 "$dest/man.err")"
for want in "zkbench run" "--runs" "zkbench exp run" "EXIT STATUS"; do
  grep -qF -- "$want" "$dest/man.txt" || fail "the man page lacks '$want'"
done

# bash: what the completion offers for a partial command, a subcommand and an option.
bash_completion="$root/share/bash-completion/completions/zkbench"
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _zkbench; echo "${COMPREPLY[*]}"' \
    _ "$bash_completion" "$@"
}
[ "$(complete_bash zkbench versi)" = "version" ] || fail "bash: 'zkbench versi' completes to '$(complete_bash zkbench versi)'"
[ "$(complete_bash zkbench exp cl)" = "close" ] || fail "bash: 'zkbench exp cl' completes to '$(complete_bash zkbench exp cl)'"
[ "$(complete_bash zkbench compare --exp)" = "--export-markdown" ] ||
  fail "bash: 'zkbench compare --exp' completes to '$(complete_bash zkbench compare --exp)'"

if command -v fish > /dev/null; then
  got=$(fish --no-config -c "source $root/share/fish/vendor_completions.d/zkbench.fish; complete -C 'zkbench versi'")
  [[ "$got" == version* ]] || fail "fish: 'zkbench versi' completes to '$got'"
fi
if command -v zsh > /dev/null; then
  zsh -n "$root/share/zsh/vendor-completions/_zkbench" || fail "zsh: the completion does not parse"
fi

# The PostgreSQL module is found from the install layout: an unreachable server gives the server's
# error, not "PostgreSQL support is not available".
out=$("$zkbench" history --store postgresql://nobody@127.0.0.1:1/none 2>&1 || true)
if grep -q "not available" <<< "$out"; then
  fail "the installed zkbench does not find its PostgreSQL module: $out"
fi
grep -qi "connect" <<< "$out" || fail "unexpected answer from a PostgreSQL store: $out"
echo "check-install: ok ($(ls "$root/bin" "$root/share/man/man1" | tr '\n' ' '))"
