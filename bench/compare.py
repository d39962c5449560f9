#!/usr/bin/env python3
"""compare.py ARCHWAY.tsv [REAL.tsv]: one markdown table of measure.sh's rows, with Archway/real ratios.

Throughput rows compare requests/s (MiB/s for big uploads and downloads), time rows (`cli_token_issue`, `startup_ms`)
compare how much faster Archway is, memory rows compare resident MiB.
"""
import csv
import os
import sys


def load(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        return {(row["scenario"], row["conns"]): row for row in csv.DictReader(f, delimiter="\t")}


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def ratio(ours, theirs):
    return f"{ours / theirs:.1f}×" if ours is not None and theirs else "—"


def main():
    ours, theirs = load(sys.argv[1]), load(sys.argv[2] if len(sys.argv) > 2 else None)
    print("| measurement | conns | Archway | real | Archway/real | Archway p50 / p99 ms | real p50 / p99 ms "
          "| Archway CPU s per 1k req | real CPU s per 1k req | Archway RSS MiB | real RSS MiB | non-2xx (A / real) "
          "| socket errors (A / real) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key, row in ours.items():
        other = theirs.get(key, {})
        scenario, conns = key
        if row["rps"] != "-":
            unit = "MiB/s" if scenario.startswith(("upload", "download", "plain_copy", "hash_", "nginx_")) else "req/s"
            a, r = number(row["rps"]), number(other.get("rps"))
            cells = [f"{row['rps']} {unit}", f"{other.get('rps', '—')} {unit}" if other else "—", ratio(a, r)]
        elif row["p50_ms"] != "-":
            a, r = number(row["p50_ms"]), number(other.get("p50_ms"))
            cells = [f"{row['p50_ms']} ms", f"{other['p50_ms']} ms" if other else "—",
                     f"{r / a:.1f}× faster" if a and r else "—"]
        else:
            a, r = number(row["rss_mib"]), number(other.get("rss_mib"))
            cells = [f"{row['rss_mib']} MiB", f"{other['rss_mib']} MiB" if other else "—", ratio(a, r)]
        print("| " + " | ".join([scenario, conns, *cells,
                                 f"{row['p50_ms']} / {row['p99_ms']}", f"{other.get('p50_ms', '—')} / {other.get('p99_ms', '—')}",
                                 row["cpu_s_per_1000"], other.get("cpu_s_per_1000", "—"),
                                 row["rss_mib"], other.get("rss_mib", "—"),
                                 f"{row['non2xx']} / {other.get('non2xx', '—')}",
                                 f"{row.get('socket_errors') or '-'} / {other.get('socket_errors') or '-'}"]) + " |")


if __name__ == "__main__":
    main()
