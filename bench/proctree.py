#!/usr/bin/env python3
"""CPU time and memory of server process trees (the given PIDs and all their descendants).

  proctree.py cpu "PIDS"            total user+system CPU seconds so far
  proctree.py rss "PIDS"            resident memory now, MiB (sum over the tree)
  proctree.py maxrss "PIDS" SECONDS largest resident memory seen while sampling for SECONDS, MiB
"""
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()


def tree(roots):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(stat_fields(entry)[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, stack = set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid not in found and os.path.exists(f"/proc/{pid}"):
            found.add(pid)
            stack.extend(children.get(pid, []))
    return found


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = stat_fields(pid)
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total / TICKS


def rss_mib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main():
    mode, roots = sys.argv[1], [int(p) for p in sys.argv[2].split()]
    if mode == "cpu":
        print(f"{cpu_seconds(tree(roots)):.2f}")
    elif mode == "rss":
        print(f"{rss_mib(tree(roots)):.0f}")
    elif mode == "maxrss":
        deadline, peak = time.time() + float(sys.argv[3]), 0.0
        while time.time() < deadline:
            peak = max(peak, rss_mib(tree(roots)))
            time.sleep(0.5)
        print(f"{peak:.0f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
