#!/usr/bin/env python3
# ===- run_corpus.py - Compile every hostile file and check the contract ----===#
#
# This file implements the runner of the hostile-input corpus that
# make_corpus.py derives from the libonnx-testdata models. It compiles each
# case with `zellige compile --target host` and checks that zellige:
#
#   - ends within --time-limit seconds and is not killed by a signal;
#   - exits with a status in 1..127 when it refuses the file (cases marked
#     "reject" must be refused; "any" cases may compile);
#   - when it refuses, prints exactly one line, on stderr, saying "error" and
#     naming the file (and the node, for the cases that have one), with no
#     crash report;
#   - opens no file outside the case's own folder that lies in the corpus or
#     that a case's symbolic link points at (traced with
#     `strace -f -e trace=open,openat,openat2`; without strace this one check
#     is skipped, and the runner says so).
#
# Usage:
#   run_corpus.py --zellige PATH [--corpus DIR | --make DIR] [--jobs N]
#                 [--time-limit S] [--scale S] [--only KIND]
#
# --make DIR (re)generates the corpus into DIR first. Exit status 1 when any
# case breaks the contract.
#
# ===------------------------------------------------------------------------===#

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report",
                 "Segmentation fault", "Aborted", "terminate called",
                 "core dumped", "Assertion", "UNREACHABLE", "AddressSanitizer",
                 "runtime error:")

# Files outside every case's folder that the corpus's symbolic links and `..`
# paths lead to.
SENSITIVE = ("/etc/passwd", "/proc/self/environ")

OPEN_RE = re.compile(r'^(?:\[pid\s+\d+\]\s+|\d+\s+)?(open|openat|openat2)'
                     r'\((?:[^,]*,\s*)?"((?:[^"\\]|\\.)*)"')


def run_case(args, corpus, entry, strace, tmp):
    case_dir = os.path.join(corpus, "cases", entry["id"])
    model = os.path.join(case_dir, "model.onnx")
    out = os.path.join(tmp, entry["id"] + ".zlg")
    cmd = [args.zellige, "compile", model, "--target", "host", "-o", out]
    log = None
    if strace:
        log = os.path.join(tmp, entry["id"] + ".strace")
        cmd = [strace, "-f", "-qq", "-e", "trace=open,openat,openat2",
               "-e", "signal=none", "-o", log] + cmd
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=args.time_limit)
        hung = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        hung = True
    elapsed = time.monotonic() - start
    text = (stdout + stderr).decode("utf-8", "replace")
    lines = [l for l in text.splitlines() if l.strip()]
    rc = proc.returncode
    problems = []
    if hung:
        problems.append("hung: no exit within %gs" % args.time_limit)
    elif rc < 0 or rc > 127:
        problems.append("killed by a signal (status %d)" % rc)
    elif rc == 0 and entry["expect"] == "reject":
        problems.append("accepted (exit 0) a file it must refuse")
    for marker in CRASH_MARKERS:
        if marker in text:
            problems.append("crash marker %r in the output" % marker)
    if not hung and rc != 0:
        err_lines = [l for l in stderr.decode("utf-8", "replace").splitlines()
                     if l.strip()]
        if len(lines) != 1:
            problems.append("expected one output line, got %d" % len(lines))
        elif len(err_lines) != 1:
            problems.append("the error line is not on stderr")
        joined = " ".join(lines)
        if "error" not in joined.lower():
            problems.append("the message does not say 'error'")
        if model not in joined:
            problems.append("the message does not name the file")
        node = entry.get("node")
        if node and not re.search(r"(?<![\w.-])%s(?![\w.-])" % re.escape(node),
                                  joined):
            problems.append("the message does not name node %r" % node)
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            trace = f.read()
        if "killed by" in trace and "SIGKILL" not in trace:
            problems.append("a traced process was killed by a signal")
        outside = set()
        real_case = os.path.realpath(case_dir) + os.sep
        real_corpus = os.path.realpath(corpus) + os.sep
        for line in trace.splitlines():
            m = OPEN_RE.match(line)
            if not m:
                continue
            path = m.group(2)
            full = os.path.realpath(os.path.join(tmp, path))
            if full.startswith(real_case):
                continue
            # Outside the case's folder: another case, the corpus's
            # `outside/`, or a sensitive file reached through the case's
            # folder (a `..` path or a symbolic link). The process itself
            # may open system files (the ASan runtime reads
            # /proc/self/environ).
            through_case = path.startswith(case_dir) or \
                path.startswith(real_case)
            if full.startswith(real_corpus) or (through_case and
                                                full in SENSITIVE):
                outside.add(path)
        if outside:
            problems.append("opened files outside the model's folder: %s" %
                            ", ".join(sorted(outside)))
        if not problems:
            os.remove(log)
    if os.path.exists(out):
        os.remove(out)
    return entry, rc, elapsed, lines, problems


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compile every case of the hostile corpus and check that "
        "zellige refuses it cleanly.")
    p.add_argument("--zellige", default=os.environ.get("ZELLIGE", "zellige"))
    p.add_argument("--corpus", help="an existing corpus (make_corpus.py OUT)")
    p.add_argument("--make", metavar="DIR",
                   help="generate the corpus into DIR, then run it")
    p.add_argument("--scale", type=int, default=2,
                   help="with --make: make_corpus.py --scale")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--time-limit", type=float, default=20,
                   help="seconds allowed per case")
    p.add_argument("--only", action="append", metavar="KIND",
                   help="run only cases of this kind (repeatable)")
    p.add_argument("--no-strace", action="store_true",
                   help="skip the outside-read check")
    args = p.parse_args(argv)

    if args.make:
        sys.path.insert(0, HERE)
        import make_corpus

        if make_corpus.main([args.make, "--scale", str(args.scale),
                             "--seed", str(args.seed)]) != 0:
            return 1
        corpus = args.make
    elif args.corpus:
        corpus = args.corpus
    else:
        p.error("give --corpus or --make")
    corpus = os.path.abspath(corpus)
    args.zellige = shutil.which(args.zellige) or args.zellige
    args.zellige = os.path.abspath(args.zellige)
    if not os.access(args.zellige, os.X_OK):
        print("run_corpus: cannot execute %s" % args.zellige, file=sys.stderr)
        return 1
    with open(os.path.join(corpus, "manifest.json")) as f:
        entries = json.load(f)["cases"]
    if args.only:
        entries = [e for e in entries if e["kind"] in args.only]

    strace = None if args.no_strace else shutil.which("strace")
    if strace:
        # strace may be present but unable to trace (no ptrace in a sandbox).
        if subprocess.run([strace, "-qq", "-o", os.devnull, "true"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            print("run_corpus: strace cannot trace here; SKIPPING the "
                  "outside-read check")
            strace = None
    elif not args.no_strace:
        print("run_corpus: strace is not installed; SKIPPING the outside-read "
              "check (scripts/setup.sh installs it)")

    tmp = tempfile.mkdtemp(prefix="zellige-hostile-")
    failures = []
    counts = {"refused": 0, "compiled": 0}
    slowest = (0.0, "")
    start = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(run_case, args, corpus, e, strace, tmp)
                       for e in entries]
            for fut in concurrent.futures.as_completed(futures):
                entry, rc, elapsed, lines, problems = fut.result()
                counts["refused" if rc else "compiled"] += 1
                slowest = max(slowest, (elapsed, entry["id"]))
                if problems:
                    failures.append(entry["id"])
                    print("FAIL %s (%s, from %s, %.1fs, exit %s): %s" %
                          (entry["id"], entry["kind"], entry["source"] or "-",
                           elapsed, rc, "; ".join(problems)), flush=True)
                    for l in lines[:8]:
                        print("    | " + l[:400])
    finally:
        if not failures:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("traces of the failing cases are in %s" % tmp)
    print("hostile corpus: %d cases, %d refused, %d compiled, %d broke the "
          "contract; slowest %s (%.2fs); outside-read check %s; %.0fs in all" %
          (len(entries), counts["refused"], counts["compiled"], len(failures),
           slowest[1], slowest[0], "on (strace)" if strace else "SKIPPED",
           time.monotonic() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
