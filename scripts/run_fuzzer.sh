#!/usr/bin/env bash
# scripts/run_fuzzer.sh - build and run the importer's libFuzzer target.
#
# Configures the "asan" preset (build-asan/, clang-22, ASan + UBSan,
# ZELLIGE_FUZZ=ON), builds only zellige-import-fuzzer (the importer's
# sources, the onnx dialect and its tablegen) and runs it for a bounded time,
# seeded with the libonnx-testdata models. Exits non-zero when the fuzzer
# finds a crash, a sanitizer report, a leak or a timeout; the reproducer is
# left in build-asan/fuzz/artifacts/.
#
# ASAN_OPTIONS: allow_user_poisoning=0 (see scripts/run_sanitizers.sh).
#
# Usage: scripts/run_fuzzer.sh [SECONDS] [extra libFuzzer flags]
#   SECONDS   -max_total_time (default 60)
#   FUZZ_SEED=N  libFuzzer's -seed (default 1, so that a CI run is
#                repeatable: the same build explores the same inputs; set
#                FUZZ_SEED=0 for a fresh random seed in longer campaigns)
#   FUZZ_RUNS=N  stop after N inputs (default 20000; -1: no limit)
#   JOBS=N    build parallelism (default: nproc)
#   NICE=N    build under `nice -n N` (default 0)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CCACHE_BASEDIR="$ROOT"
JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-0}
SECONDS_TO_RUN=${1:-60}
shift || true
TESTDATA=/usr/share/libonnx-testdata/data
BUILD=build-asan
FUZZ=$BUILD/fuzz

start=$(date +%s)
echo "== configure (preset asan, ZELLIGE_FUZZ=ON)"
cmake --preset asan -DZELLIGE_FUZZ=ON >/dev/null
echo "== build zellige-import-fuzzer"
nice -n "$NICE" cmake --build "$BUILD" --target zellige-import-fuzzer -j "$JOBS"
echo "== build took $(($(date +%s) - start)) s"

# The seed corpus: every libonnx-testdata model (copied, so that libFuzzer
# may add its own finds to the working corpus without touching /usr/share).
mkdir -p "$FUZZ/seeds" "$FUZZ/corpus" "$FUZZ/artifacts"
if [ -d "$TESTDATA" ] && [ -z "$(ls -A "$FUZZ/seeds")" ]; then
  n=0
  for m in "$TESTDATA"/*/*/model.onnx; do
    cp "$m" "$FUZZ/seeds/$(echo "${m#"$TESTDATA"/}" | tr / _)"
    n=$((n + 1))
  done
  echo "== seeded with $n libonnx-testdata models"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_odr_violation=0:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "== fuzz for ${SECONDS_TO_RUN} s"
status=0
"$BUILD/bin/zellige-import-fuzzer" "$FUZZ/corpus" "$FUZZ/seeds" \
  -seed="${FUZZ_SEED:-1}" -runs="${FUZZ_RUNS:-20000}" \
  -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=4096 \
  -max_len=262144 -print_final_stats=1 \
  -artifact_prefix="$FUZZ/artifacts/" "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "run_fuzzer.sh: the fuzzer found a problem (exit $status); see" \
    "$FUZZ/artifacts/" >&2
fi
echo "== run_fuzzer.sh took $(($(date +%s) - start)) s"
exit "$status"
