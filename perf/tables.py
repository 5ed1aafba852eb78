#!/usr/bin/env python3
"""The README's performance tables, from the JSON lines `bench --json`, `bench train --json` and
`bench build --json` print, and which of issue 17's goals hold in them.

    python3 perf/tables.py perf/2026-12-03/kernels.jsonl perf/2026-12-03/train.jsonl perf/2026-12-03/build.jsonl

Each file is recognised by its rows; nothing is typed by hand into the tables.
"""
import json
import sys


def rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def number(x):
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def ratio(r, peer):
    v = r.get(f"{peer}_ratio")
    return "–" if v is None else f"{v:.2f}×"


def kernels(data):
    limits = {(r["kernel"], r["threads"]): r["ours"] for r in data if r["kernel"].startswith("limit")}
    by, order = {}, []
    for r in data:
        if r["kernel"].startswith("limit"):
            continue
        key = (r["kernel"], r["shape"])
        if key not in by:
            by[key] = {}
            order.append(key)
        by[key][r["threads"]] = r
    peak, triad = "limit: fp32 FMA peak", "limit: memory triad"
    print(
        f"Limits measured in the same run: FMA peak {limits[(peak, 1)]:.1f} / {limits[(peak, 2)]:.1f} GFLOP/s, "
        f"memory triad {limits[(triad, 1)]:.1f} / {limits[(triad, 2)]:.1f} GB/s (1 / 2 threads).\n")
    print("| kernel | shape | unit | 1 thread: ours | ÷ numpy | ÷ torch | 2 threads: ours | ÷ numpy | ÷ torch |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key in order:
        cells = []
        for t in (1, 2):
            r = by[key].get(t)
            cells += [number(r["ours"]), ratio(r, "numpy"), ratio(r, "torch")] if r else ["–"] * 3
        unit = next(iter(by[key].values()))["unit"]
        print(f"| {key[0]} | {key[1]} | {unit} | " + " | ".join(cells) + " |")
    print()
    gemm = [k for k in order if k[0].startswith("sgemm")]
    low = [(k, by[k][1]["best_ratio"]) for k in gemm if by[k][1]["best_ratio"] < 1.0]
    print(
        f"- SGEMM ≥ 1.0× the best peer on one thread: {len(gemm) - len(low)} of {len(gemm)} shapes; below: "
        + ", ".join(f"{k[0][-2:]} {k[1]} {r:.2f}×" for k, r in low) + ".")
    big = by[("sgemm NN", "1024x1024x1024")][2]
    print(f"- SGEMM 1024³ on two threads: {big['best_ratio']:.2f}× the best peer ({big['ours']:.0f} GFLOP/s).")
    slower = [k for k in order if 1 in by[k] and 2 in by[k] and by[k][2]["ours"] < by[k][1]["ours"]]
    print(
        "- Slower on two threads than on one: "
        + (", ".join(f"{k[0]} {k[1]} ({number(by[k][1]['ours'])} → {number(by[k][2]['ours'])})" for k in slower)
           or "none") + ".")


def train(data):
    by, order = {}, []
    for r in data:
        if r.get("unit") != "ms/step":
            continue
        key = (r["kernel"][len("train "):], r["shape"])
        if key not in by:
            by[key] = {}
            order.append(key)
        by[key][r["threads"]] = r
    print("| model | shapes | 1 thread: ours ms | torch ms | torch ÷ ours | 2 threads: ours ms | torch ms "
          "| torch ÷ ours | ÷ torch's best |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key in order:
        cells = []
        for t in (1, 2):
            r = by[key][t]
            cells += [f"{r['ours']:.2f}", f"{r['torch']:.2f}", f"{r['torch_ratio']:.2f}×"]
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + f" | {by[key][2]['best_ratio']:.2f}× |")
    print()
    for t, name in ((1, "one thread"), (2, "two threads, against torch's best at up to two")):
        field = "torch_ratio" if t == 1 else "best_ratio"
        held = [k[0] for k in order if by[k][t][field] >= 2]
        missed = [f"{k[0]} ({by[k][t][field]:.2f}×)" for k in order if by[k][t][field] < 2]
        print(f"- ≥ 2× torch eager, {name}: {len(held)} of {len(order)} models"
              + (f"; not {', '.join(missed)}" if missed else "") + ".")
    checks = [r for r in data if "check" in r]
    worst = max(float(c["difference"][0]) / float(c["tolerance"][0]) for c in checks)
    print(f"- First-step losses agree in all {len(checks)} checks (largest difference {worst:.2f} of its bound).")


def build(data):
    cases, order = {}, []
    for r in data:
        if r["case"] not in cases:
            cases[r["case"]] = []
            order.append(r["case"])
        cases[r["case"]].append(r)
    print("| case (nine chapters, debug `book`) | seconds, each run | goal | holds |")
    print("|---|---|---|---|")
    for case in order:
        runs = cases[case]
        goal = runs[0]["goal_seconds"]
        holds = "–" if goal is None else ("yes" if all(r["holds"] for r in runs) else "no")
        print(f"| {case} | " + " / ".join(f"{r['seconds']:.2f}" for r in runs)
              + f" | {'–' if goal is None else f'≤ {goal}'} | {holds} |")


for path in sys.argv[1:]:
    data = rows(path)
    if any("suite" in r for r in data):
        build(data)
    elif any(r.get("unit") == "ms/step" for r in data):
        train(data)
    else:
        kernels(data)
    print()
