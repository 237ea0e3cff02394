#!/usr/bin/env python3
"""Reads `perf script` output (samples with call chains) on stdin and prints, as shares of all
samples: the functions that held the most samples inclusively (on the stack at all) and
exclusively (at the top). Names are shortened: Rust hashes and generic arguments dropped.
Usage: perf script -i perf.data | bench/profile_report.py [how many rows, default 40]"""

import collections
import re
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 40


def short(symbol):
    symbol = re.sub(r"::h[0-9a-f]{16}$", "", symbol)
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    # Drop generic arguments (nested <...>), keep the path.
    out, depth = [], 0
    for ch in symbol:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out).replace("  ", " ").strip() or symbol[:80]


inclusive = collections.Counter()
exclusive = collections.Counter()
samples = 0
stack = []


def flush():
    global samples
    if not stack:
        return
    samples += 1
    exclusive[stack[0]] += 1
    for name in set(stack):
        inclusive[name] += 1
    stack.clear()


for line in sys.stdin:
    if not line.strip():
        flush()
    elif line.startswith(("\t", " ")):
        parts = line.strip().split(" ", 1)
        if len(parts) == 2:
            stack.append(short(parts[1].rsplit(" (", 1)[0]))
    else:
        flush()
flush()

if samples == 0:
    sys.exit("no samples")
print(f"{samples} samples")
print("\ninclusive (on the stack):")
for name, n in inclusive.most_common(rows):
    print(f"{100 * n / samples:6.1f} %  {name[:150]}")
print("\nexclusive (at the top):")
for name, n in exclusive.most_common(rows // 2):
    print(f"{100 * n / samples:6.1f} %  {name[:150]}")
