#!/usr/bin/env bash
# scripts/run_tests.sh - set up, configure, build and run every Zellige test.
#
# Runs scripts/setup.sh, configures and builds with the default preset, then
# runs ctest (lit, unit and end-to-end tests) and exits with ctest's status.
# Extra arguments go to ctest, e.g. `scripts/run_tests.sh -L e2e` or
# `scripts/run_tests.sh -R lit`. JOBS=N sets the parallelism (default: nproc).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Let ccache share objects between checkouts in different folders.
export CCACHE_BASEDIR="$ROOT"
JOBS=${JOBS:-$(nproc)}

echo "== setup"
scripts/setup.sh
echo "== configure"
cmake --preset default
echo "== build"
cmake --build --preset default -j "$JOBS"
echo "== test"
status=0
ctest --preset default -j "$JOBS" "$@" || status=$?
exit "$status"
