#!/usr/bin/env python3
"""Writes a deterministic Gecko-format profile shaped like SP1's TRACE_FILE output.

One thread, one sample per cycle, a few thousand frames (Rust-like function names), deep call stacks
(a random call tree of depth up to ~60) and long runs of samples in the same stack, as a zkVM guest
spends many consecutive cycles in one function. Usage: generate.py OUT.json [TARGET_MB] (default 200).
"""
import random
import sys

out_path = sys.argv[1]
target_bytes = int(float(sys.argv[2]) if len(sys.argv) > 2 else 200) * 1_000_000
rng = random.Random(20261120)

crates = ["revm", "revm_interpreter", "alloy_rlp", "tiny_keccak", "sha2", "k256", "ark_bn254", "serde",
          "rkyv", "alloc", "core", "sp1_zkvm", "ethrex_vm", "ethrex_trie", "hashbrown"]
n_functions = 3000
functions = [f"{rng.choice(crates)}::m{i % 97}::func_{i}" for i in range(n_functions)]
functions[0] = "main"
for i, name in enumerate(["memcpy", "memset", "__rust_alloc", "tiny_keccak::keccakf::keccakf",
                          "sha2::sha256::compress256", "syscall_keccak_f"], start=1):
    functions[i] = name

# Stack table: a call tree grown by random walks from the root, so common prefixes are shared.
stack_prefix = [None]
stack_frame = [0]
children = {}

def child(stack, frame):
    key = (stack, frame)
    if key not in children:
        children[key] = len(stack_frame)
        stack_prefix.append(stack)
        stack_frame.append(frame)
    return children[key]

leaves = []
for _ in range(4000):
    s = 0
    for _ in range(rng.randint(3, 60)):
        s = child(s, rng.randrange(n_functions) if rng.random() < 0.3 else rng.randrange(200))
    leaves.append(s)

with open(out_path, "w") as out:
    out.write('{"meta":{"version":24,"interval":1,"startTime":0,"product":"sp1","processType":0},')
    out.write('"libs":[],"threads":[{"name":"cpu","processType":"default","pid":"1","tid":1,')
    out.write('"samples":{"schema":{"stack":0,"time":1,"eventDelay":2},"data":[')
    written = 0
    cycle = 0
    first = True
    budget = target_bytes - 2_000_000  # leave room for the tables
    while written < budget:
        stack = leaves[int(rng.paretovariate(1.2)) % len(leaves)]
        run = rng.randint(1, 40)
        chunk = []
        for _ in range(run):
            chunk.append(f"[{stack},{cycle}.0,0.0]")
            cycle += 1
        text = ("" if first else ",") + ",".join(chunk)
        first = False
        out.write(text)
        written += len(text)
    out.write(']},"markers":{"schema":{"name":0,"time":1,"data":2},"data":[]},')
    out.write('"stackTable":{"schema":{"prefix":0,"frame":1},"data":[')
    out.write(",".join(f"[{'null' if p is None else p},{f}]" for p, f in zip(stack_prefix, stack_frame)))
    out.write(']},"frameTable":{"schema":{"location":0,"relevantForJS":1,"innerWindowID":2,'
              '"implementation":3,"optimizations":4,"line":5,"column":6,"category":7,"subcategory":8},"data":[')
    out.write(",".join(f"[{i},false,0,null,null,null,null,0,0]" for i in range(n_functions)))
    out.write(']},"stringTable":[')
    out.write(",".join('"' + name + '"' for name in functions))
    out.write("]}],\"processes\":[]}\n")
print(f"{out_path}: {cycle} samples, {len(stack_frame)} stacks, {n_functions} frames")
