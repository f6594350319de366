#!/usr/bin/env python3
"""Checks that every `#include "folder/..."` in src/ is allowed by ARCHITECTURE.md's table.

Each row `| `src/<folder>/` | ... | may depend on |` names the folders it may include; "nothing else in
zkbench" means none and "everything above" means every folder listed before it. Exits 1, listing each
include that breaks the table as FILE:LINE, so ARCHITECTURE.md stays true (ctest `layers.architecture`).
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
rows = re.findall(r"^\| `src/([a-z_]+)/` \|.*\| ([^|]*) \|\s*$", (root / "ARCHITECTURE.md").read_text(), re.M)
if not rows:
    sys.exit("check-layers: no `src/<folder>/` rows found in ARCHITECTURE.md")
folders = [name for name, _ in rows]
allowed = {}
for i, (name, deps) in enumerate(rows):
    if "everything above" in deps:
        allowed[name] = set(folders[:i])
    else:
        # Only the first word of each comma-separated entry names a folder ("store (only the ...)").
        allowed[name] = {m.group(1) for part in deps.split(",") if (m := re.match(r"\s*([a-z_]+)", part))
                         and m.group(1) in folders}
    allowed[name].add(name)

include = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
problems = []
for path in sorted((root / "src").rglob("*")):
    if path.suffix not in (".hpp", ".cpp", ".h", ".cc"):
        continue
    parts = path.relative_to(root / "src").parts
    if len(parts) < 2:
        continue  # src/main.cpp
    folder = parts[0]
    if folder not in allowed:
        problems.append(f"{path.relative_to(root)}: folder src/{folder}/ has no row in ARCHITECTURE.md")
        continue
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = include.match(line)
        if m and m.group(1) in folders and m.group(1) not in allowed[folder]:
            problems.append(f"{path.relative_to(root)}:{number}: src/{folder}/ includes {m.group(1)}/, "
                            f"which ARCHITECTURE.md does not allow (may depend on: "
                            f"{', '.join(sorted(allowed[folder] - {folder})) or 'nothing'})")
for problem in problems:
    print(problem)
print(f"check-layers: {len(folders)} folders, {len(problems)} include(s) outside the table")
sys.exit(1 if problems else 0)
