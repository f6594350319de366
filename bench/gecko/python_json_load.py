#!/usr/bin/env python3
"""The peer approach: json.load the whole Gecko profile, then count per-function self/total samples.

Same figures as zkbench (exclusive = leaf, inclusive = anywhere on the stack, once per sample), the
straightforward way a Python script (e.g. a Firefox-profile post-processor) computes them.
Prints the total and the top 5 functions by exclusive samples.
"""
import json
import sys
from collections import Counter

with open(sys.argv[1]) as f:
    profile = json.load(f)

exclusive = Counter()
inclusive = Counter()
total = 0
for thread in profile["threads"]:
    strings = thread["stringTable"]
    stack_schema = thread["stackTable"]["schema"]
    stacks = thread["stackTable"]["data"]
    frames = thread["frameTable"]["data"]
    location = thread["frameTable"]["schema"]["location"]
    stack_col = thread["samples"]["schema"]["stack"]
    prefix_col, frame_col = stack_schema["prefix"], stack_schema["frame"]
    per_stack = Counter(row[stack_col] for row in thread["samples"]["data"])
    for stack, count in per_stack.items():
        total += count
        names = []
        s = stack
        while s is not None:
            names.append(strings[frames[stacks[s][frame_col]][location]])
            s = stacks[s][prefix_col]
        if names:
            exclusive[names[0]] += count
            for name in set(names):
                inclusive[name] += count

print(f"total {total}")
for name, value in exclusive.most_common(5):
    print(f"{value} {inclusive[name]} {name}")
