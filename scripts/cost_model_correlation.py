#!/usr/bin/env python3
"""Rank correlation of the cost model's estimates with measured times.

Prints two kinds of figures (docs/tuning.md, "Cost model"):

(a) Across dispatches: for each target, the Spearman rank correlation between
    the estimate of each kernel's default schedule and its measured default
    time, over the distinct kernels (signatures) of the e2e models. Two
    estimates: the pure roofline (`zellige estimate`, the same for every
    schedule) and the schedule-aware one (`zellige tune --list-estimates`).
    The measured times are the default rows (`"default": true`) of
    `zellige tune --log` files, one per target and model, named
    TARGET-MODEL.jsonl in --logs; `--measure` writes them first with
    `zellige tune --budget 1`.

(b) Across schedules of one kernel: the Spearman correlation between the
    schedule-aware estimate and the measured times of a stored search space
    (bench/data/gemm512-pocl-space.csv, the 512^3 MatMul on PoCL), with the
    measured rank of the estimate's best schedule and what `--prune F` would
    keep.

Usage:
  scripts/cost_model_correlation.py --zellige build/bin/zellige \\
      --models build/e2e-models --logs /tmp/logs [--measure]
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys


def ranks(values):
    """Average ranks (1-based) with ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def spearman(x, y):
    return pearson(ranks(x), ranks(y))


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    return p.stdout


def list_estimates(zellige, model, target, profile, extra=()):
    out = run([zellige, "tune", model, "--target", target, "--profile",
               profile, "--list-estimates", "--db", os.devnull + ".db"]
              + list(extra))
    return [json.loads(line) for line in out.splitlines()
            if line.startswith("{")]


def roofline(zellige, model, profile):
    """Dispatch name -> roofline seconds."""
    out = json.loads(run([zellige, "estimate", model, "--target", profile,
                          "--format", "json"]))
    return {d["name"]: d["seconds"]
            for e in out["estimates"] for d in e["dispatches"]}


def across_dispatches(args, target):
    models = sorted(d for d in os.listdir(args.models)
                    if os.path.exists(os.path.join(args.models, d,
                                                   "model.onnx")))
    rows = {}  # signature -> (model:dispatch, roofline, schedule, measured)
    for name in models:
        model = os.path.join(args.models, name, "model.onnx")
        log = os.path.join(args.logs, "%s-%s.jsonl" % (target, name))
        if args.measure:
            if os.path.exists(log):
                os.remove(log)
            run([args.zellige, "tune", model, "--target", target,
                 "--budget", "1", "--repeat", "5", "--warmup", "1",
                 "--db", os.path.join(args.logs, target + ".db"),
                 "--log", log])
        if not os.path.exists(log):
            sys.exit("%s: missing (run with --measure)" % log)
        measured = {}
        for line in open(log):
            r = json.loads(line)
            if r.get("default") and r.get("status") == "ok":
                measured[r["signature"]] = (r["knobs"], r["median_ms"])
        roof = roofline(args.zellige, model, args.profile)
        for e in list_estimates(args.zellige, model, target, args.profile):
            sig = e["signature"]
            if not e["default"] or sig in rows or sig not in measured:
                continue
            first = e["dispatches"][0]
            if e["estimate_ms"] is None or first not in roof:
                continue
            if measured[sig][0] != e["knobs"]:
                # The measured default came from another profile's knobs.
                print("    skipped %s:%s: measured %s, estimated %s"
                      % (name, first, measured[sig][0], e["knobs"]))
                continue
            rows[sig] = (name + ":" + first, roof[first] * 1e3,
                         e["estimate_ms"], measured[sig][1])
    values = list(rows.values())
    if len(values) < 3:
        print("%s: fewer than 3 kernels" % target)
        return
    meas = [v[3] for v in values]
    print("(a) %s, profile %s: n = %d distinct kernels of %d models"
          % (target, args.profile, len(values), len(models)))
    print("    Spearman(roofline, measured)       = %.3f"
          % spearman([v[1] for v in values], meas))
    print("    Spearman(schedule-aware, measured) = %.3f"
          % spearman([v[2] for v in values], meas))
    # Kernels the roofline puts at >= 1 us: below it launch and
    # synchronization (5-10 us here, not in the estimate) dominate.
    big = [v for v in values if v[1] >= 1e-3]
    if len(big) >= 3:
        print("    estimate >= 1 us (n = %d): roofline %.3f, schedule-aware "
              "%.3f" % (len(big),
                        spearman([v[1] for v in big], [v[3] for v in big]),
                        spearman([v[2] for v in big], [v[3] for v in big])))
    if args.verbose:
        for v in sorted(values, key=lambda v: v[3]):
            print("      %-45s roofline %10.4f  schedule %10.4f  measured "
                  "%10.4f ms" % v)


def across_schedules(args):
    measured = {}
    for r in csv.DictReader(open(args.space)):
        if r["status"] == "ok":
            measured[r["knobs"]] = float(r["median_ms"])
    est = {}
    for e in list_estimates(args.zellige, args.space_model, "opencl",
                            args.profile,
                            ["--knobs", "wg.0,wg.1,thread.0,thread.1",
                             "--max-workgroup-size", "256"]):
        if e["estimate_ms"] is not None:
            est[e["knobs"]] = e["estimate_ms"]
    keys = sorted(k for k in measured if k in est)
    if len(keys) < 3:
        sys.exit("no schedules of %s match the estimates" % args.space)
    m = [measured[k] for k in keys]
    e = [est[k] for k in keys]
    print("(b) %s on %s: n = %d schedules" % (os.path.basename(args.space),
                                             args.profile, len(keys)))
    print("    Spearman(schedule-aware, measured) = %.3f" % spearman(e, m))
    best_est = min(e)
    best_meas = min(m)
    opt = m.index(best_meas)
    before = sum(1 for x in e if x < e[opt])
    tied = sum(1 for x in e if x == e[opt])
    print("    optimum %.2f ms; in estimate order it comes %d to %d of %d "
          "(%d schedules tie at its estimate)"
          % (best_meas, before + 1, before + tied, len(keys), tied))
    order = sorted(range(len(keys)), key=lambda i: e[i])
    for top in (1, 5, 10, 25):
        # Ties broken against the estimate: the worst measured first.
        cut = e[order[top - 1]]
        sure = [i for i in order if e[i] < cut]
        ties = sorted((i for i in order if e[i] == cut), key=lambda i: -m[i])
        pick = sure + ties[:top - len(sure)]
        print("    best measured among the estimate's top %2d: %.2f ms "
              "(%.0f%% of the optimum's speed; ties broken worst-first)"
              % (top, min(m[i] for i in pick),
                 100 * best_meas / min(m[i] for i in pick)))
    for f in (1.5, 2, 4, 8):
        kept = [i for i in range(len(keys)) if e[i] <= f * best_est]
        print("    --prune %-4g keeps %3d of %d; best kept %.2f ms"
              % (f, len(kept), len(keys), min(m[i] for i in kept)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zellige", default="build/bin/zellige")
    ap.add_argument("--models", default="build/e2e-models")
    ap.add_argument("--logs", default="cost-model-logs")
    ap.add_argument("--measure", action="store_true",
                    help="write the logs with zellige tune --budget 1")
    ap.add_argument("--targets", default="opencl,host")
    ap.add_argument("--profile", default="pocl-cpu",
                    help="profile of the estimates (default pocl-cpu: the "
                    "host and PoCL run on the same CPU)")
    ap.add_argument("--space", default="bench/data/gemm512-pocl-space.csv")
    ap.add_argument("--space-model",
                    default="build/e2e-models/matmul512/model.onnx")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.logs, exist_ok=True)
    for target in args.targets.split(","):
        across_dispatches(args, target)
    across_schedules(args)


if __name__ == "__main__":
    main()
