#!/usr/bin/env python3
"""End-to-end tests of `zellige tune` and `zellige compile --tuning-db`.

Usage: tune_e2e.py CASE --zellige BIN --model MODEL.onnx

Cases:
  tune     a real tune of the model on the host: every candidate is a row of
           the database with a valid status, the log has one line per
           measurement, and the summary table is printed;
  resume   two runs on one database: the second measures only new schedules;
  timeout  a candidate that hangs (ZELLIGE_TUNE_TEST_HANG=1) ends as
           `timeout` within the per-candidate limit;
  invalid  a candidate with wrong outputs (ZELLIGE_TUNE_TEST_CORRUPT=1) ends
           as `invalid`;
  compile  `zellige compile --tuning-db` marks the tuned knobs "tuned" and the
           bundle runs; an unknown device fingerprint keeps the heuristic;
  kill     a tune whose whole process group is killed with SIGKILL leaves a
           database that passes `PRAGMA integrity_check` with the finished
           rows, and a second run adds rows without measuring those again;
  estimate `--list-estimates` lists the cost model's estimate of every
           schedule, `--prune` drops the ones far behind the best estimate,
           and a tune with both logs `estimate_ms`.
  report   `zellige report` writes Markdown, CSV and SVG for a database tuned
           with two strategies, and --replay benchmarks them on the CSV.
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(cmd, env=None, timeout=500):
    print("$ " + " ".join(cmd))
    full_env = dict(os.environ)
    full_env.pop("ZELLIGE_TUNE_TEST_HANG", None)
    full_env.pop("ZELLIGE_TUNE_TEST_CORRUPT", None)
    full_env.update(env or {})
    r = subprocess.run(cmd, env=full_env, capture_output=True, text=True,
                       timeout=timeout)
    print(r.stdout)
    print(r.stderr, file=sys.stderr)
    if r.returncode != 0:
        fail("exit status %d" % r.returncode)
    return r.stdout


def rows(db):
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT device, signature, knobs, median_ms, spread, runs, status "
            "FROM measurements").fetchall()
    finally:
        con.close()


def tune(args, work, budget, extra=(), env=None):
    db = os.path.join(work, "tuning.db")
    cmd = [args.zellige, "tune", args.model, "--target", "host", "--budget",
           str(budget), "--db", db, "--repeat", "5", *extra]
    return db, run(cmd, env=env)


def distinct_signatures(db):
    return len({r[1] for r in rows(db)})


def case_tune(args, work):
    log = os.path.join(work, "tune.jsonl")
    db, out = tune(args, work, 6, ["--log", log])
    all_rows = rows(db)
    groups = distinct_signatures(db)
    if len(all_rows) != groups + 6:
        fail("expected %d default rows and 6 candidates, got %d rows" %
             (groups, len(all_rows)))
    for r in all_rows:
        if r[6] not in ("ok", "invalid", "timeout", "crash", "compile-error"):
            fail("bad status %r" % (r,))
        if r[6] == "ok" and not (r[3] > 0 and r[5] > 0):
            fail("an ok row without a time: %r" % (r,))
    if not any(r[6] == "ok" for r in all_rows):
        fail("no candidate ran")
    with open(log) as f:
        lines = [json.loads(line) for line in f]
    if len(lines) != groups + 6:
        fail("expected %d log lines, got %d" % (groups + 6, len(lines)))
    if sum(1 for l in lines if l["default"]) != groups:
        fail("expected one default line per dispatch group")
    for needle in ("6 candidates measured", "speed-up", "best knobs", "total"):
        if needle not in out:
            fail("the summary lacks %r" % needle)


def case_resume(args, work):
    db, _ = tune(args, work, 4)
    first = {(r[1], r[2]) for r in rows(db)}
    db, out = tune(args, work, 4)
    second = {(r[1], r[2]) for r in rows(db)}
    if "4 candidates measured" not in out:
        fail("the second run did not measure 4 new candidates")
    if not first < second or len(second) != len(first) + 4:
        fail("the second run should add exactly 4 new schedules (%d -> %d)" %
             (len(first), len(second)))


def case_timeout(args, work):
    start = time.time()
    db, out = tune(args, work, 2, ["--candidate-timeout", "2", "--jobs", "2"],
                   env={"ZELLIGE_TUNE_TEST_HANG": "1"})
    if time.time() - start > 60:
        fail("the hanging candidates were not stopped in time")
    statuses = [r[6] for r in rows(db) if r[6] != "ok"]
    if statuses != ["timeout", "timeout"]:
        fail("expected 2 timeouts, got %r" % statuses)
    if "2 timeout" not in out:
        fail("the summary does not count the timeouts")


def case_invalid(args, work):
    db, out = tune(args, work, 2, env={"ZELLIGE_TUNE_TEST_CORRUPT": "1"})
    statuses = [r[6] for r in rows(db) if r[6] != "ok"]
    if statuses != ["invalid", "invalid"]:
        fail("expected 2 invalid rows, got %r" % statuses)
    if "differ from the default schedule" not in out:
        fail("the mismatch is not reported")


def case_compile(args, work):
    db, _ = tune(args, work, 4)
    base = [args.zellige, "compile", args.model, "--target", "host"]
    plain = run(base + ["--emit", "kernel"])
    if '"tuned"' in plain:
        fail("knobs are tuned without --tuning-db")
    tuned = run(base + ["--emit", "kernel", "--tuning-db", db])
    if '"tuned"' not in tuned:
        fail("--tuning-db did not apply the tuned schedules")
    other = run(base + ["--emit", "kernel", "--tuning-db", db,
                        "--tuning-device", "no/such/device"])
    if '"tuned"' in other:
        fail("measurements of another device were applied")
    bundle = os.path.join(work, "tuned.zlg")
    run(base + ["--tuning-db", db, "-o", bundle])
    x = os.path.join(os.path.dirname(args.model), "x.npy")
    cmd = [args.zellige, "run", bundle, "--device", "host"]
    if os.path.exists(x):
        cmd += ["--input", "x=" + x]
        run(cmd)


def integrity(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def case_kill(args, work):
    db = os.path.join(work, "tuning.db")
    cmd = [args.zellige, "tune", args.model, "--target", "host", "--budget",
           "500", "--db", db, "--repeat", "5", "--jobs", "2"]
    print("$ " + " ".join(cmd))
    # Its own process group: the tuner and its candidate children.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    groups = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if not os.path.exists(db):
            continue
        try:
            current = rows(db)
        except sqlite3.Error:
            continue
        groups = len({r[1] for r in current})
        if len(current) >= groups + 4:
            break
    if proc.poll() is not None:
        fail("the tune ended (status %s) before it could be killed" %
             proc.returncode)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    check = integrity(db)
    if check != "ok":
        fail("integrity_check after SIGKILL: %r" % check)
    before = rows(db)
    print("%d rows survived the kill" % len(before))
    if len(before) < 4:
        fail("the finished rows were lost")
    for r in before:
        if r[6] not in ("ok", "invalid", "timeout", "crash", "compile-error"):
            fail("a half-written row: %r" % (r,))
    db, out = tune(args, work, 3)
    after = rows(db)
    old = {(r[1], r[2]) for r in before}
    new = {(r[1], r[2]) for r in after}
    if not old <= new or len(new) != len(old) + 3:
        fail("the second run should add exactly 3 schedules (%d -> %d)" %
             (len(old), len(new)))
    # Rows of candidates (not the re-measured defaults) are kept as they were.
    defaults = {(r[1], r[2]) for r in after} - old
    kept = {(r[1], r[2], r[3]) for r in before}
    changed = [r for r in after if (r[1], r[2]) in old and
               (r[1], r[2], r[3]) not in kept]
    if len(changed) > groups:
        fail("old candidates were measured again: %r" % changed)
    if "3 candidates measured" not in out:
        fail("the second run did not measure 3 new candidates")


def case_report(args, work):
    db, _ = tune(args, work, 3, ["--strategy", "random"])
    db, _ = tune(args, work, 3, ["--strategy", "model"])
    zellige = args.zellige
    md = run([zellige, "report", db])
    # Each run spreads its 3 candidates over the model's dispatches.
    for needle in ("# Tuning report", "Convergence per strategy",
                   "| random | ", "| model | ", "speed-up"):
        if needle not in md:
            fail("the Markdown report lacks %r" % needle)
    csv_path = os.path.join(work, "report.csv")
    run([zellige, "report", db, "--format", "csv", "-o", csv_path])
    with open(csv_path) as f:
        lines = f.read().splitlines()
    if not lines[0].startswith("id,device,signature,kernel,strategy,knobs,"):
        fail("bad CSV header %r" % lines[0])
    if len(lines) - 1 != len(rows(db)):
        fail("the CSV has %d rows, the database %d" %
             (len(lines) - 1, len(rows(db))))
    svg_path = os.path.join(work, "report.svg")
    run([zellige, "report", db, "--format", "svg", "-o", svg_path])
    import xml.etree.ElementTree as ET
    root = ET.parse(svg_path).getroot()
    if not root.tag.endswith("svg"):
        fail("not an SVG document")
    ns = "{http://www.w3.org/2000/svg}"
    if not root.iter(ns + "polyline") or not list(root.iter(ns + "rect")):
        fail("the SVG has no chart")
    texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
    if "Convergence" not in texts:
        fail("the SVG lacks the convergence chart")
    replay = run([zellige, "report", csv_path, "--replay", "--min-rows", "2",
                  "--seeds", "2", "--strategies", "random,model,exhaustive"])
    for needle in ("| random | 2 |", "| model | 2 |", "| exhaustive | 2 |"):
        if needle not in replay:
            fail("the replay table lacks %r" % needle)
    bad = subprocess.run([zellige, "report", os.path.join(work, "none.db")],
                         capture_output=True, text=True)
    if bad.returncode == 0 or "no such file" not in bad.stderr:
        fail("a missing database is not reported: %r" % bad.stderr)
    if os.path.exists(os.path.join(work, "none.db")):
        fail("report created a database")


def list_estimates(args, work, extra=()):
    out = run([args.zellige, "tune", args.model, "--target", "host",
               "--profile", "pocl-cpu", "--list-estimates", "--db",
               os.path.join(work, "list.db"), *extra])
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def case_estimate(args, work):
    full = list_estimates(args, work)
    if not full or any(e["estimate_ms"] is None or e["estimate_ms"] <= 0
                       for e in full):
        fail("every schedule should have a positive estimate")
    sigs = {e["signature"] for e in full}
    if sum(1 for e in full if e["default"]) != len(sigs):
        fail("expected one default schedule per kernel")
    pruned = list_estimates(args, work, ["--prune", "1.5"])
    if not 0 < len(pruned) < len(full):
        fail("--prune 1.5 kept %d of %d schedules" % (len(pruned), len(full)))
    for sig in sigs:
        best = min(e["estimate_ms"] for e in full if e["signature"] == sig)
        for e in pruned:
            if e["signature"] == sig and e["estimate_ms"] > 1.5 * best * 1.0001:
                fail("--prune 1.5 kept %r" % e)
        if not any(e["signature"] == sig for e in pruned):
            fail("--prune dropped every schedule of %s" % sig)
    bad = subprocess.run([args.zellige, "tune", args.model, "--target",
                          "host", "--prune", "0.5", "--db",
                          os.path.join(work, "bad.db")],
                         capture_output=True, text=True)
    if bad.returncode == 0 or "--prune" not in bad.stderr:
        fail("--prune 0.5 is not refused: %r" % bad.stderr)
    log = os.path.join(work, "tune.jsonl")
    db, out = tune(args, work, 3, ["--profile", "pocl-cpu", "--prune", "4",
                                   "--log", log])
    if "cost model: profile pocl-cpu" not in out:
        fail("the tune does not say it uses the cost model")
    with open(log) as f:
        lines = [json.loads(line) for line in f]
    if not all("estimate_ms" in l for l in lines):
        fail("log lines lack estimate_ms")
    if not any(l["estimate_ms"] for l in lines if not l["default"]):
        fail("no candidate has an estimate")
    out = tune(args, work, 1)[1]
    if "cost model: no estimates" not in out:
        fail("a host tune without --profile should have no estimates")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["tune", "resume", "timeout",
                                         "invalid", "compile", "kill",
                                         "report", "estimate"])
    parser.add_argument("--zellige", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    if not os.path.exists(args.model):
        fail(args.model + ": no such file (run e2e.generate_models)")
    with tempfile.TemporaryDirectory(prefix="zellige-tune-e2e") as work:
        globals()["case_" + args.case](args, work)
    print("PASS")


if __name__ == "__main__":
    main()
