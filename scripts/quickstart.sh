#!/usr/bin/env bash
# scripts/quickstart.sh - build Zellige and classify one image with the example CNN.
#
# Installs dependencies (scripts/setup.sh), configures and builds with the
# default preset, compiles examples/cnn/model.onnx for the host, runs it 20
# times, checks the logits against the onnxruntime reference, and prints the
# top-5 classes and the latency line.
#
# Environment:
#   ZELLIGE_SKIP_BUILD=1   skip setup, configure and build (already built)
#   QUICKSTART_DIR=DIR     where the bundle and outputs go (build/quickstart)
#   THREADS=N              host threads for `zellige run` (default: all)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Let ccache share objects between checkouts in different folders.
export CCACHE_BASEDIR="$ROOT"
PY=${PYTHON:-python3}
OUT=${QUICKSTART_DIR:-build/quickstart}
ZELLIGE=build/bin/zellige

if [ "${ZELLIGE_SKIP_BUILD:-0}" != 1 ]; then
  echo "== setup"
  scripts/setup.sh
  echo "== configure"
  cmake --preset default
  echo "== build"
  cmake --build --preset default
fi
if [ ! -x "$ZELLIGE" ]; then
  echo "quickstart: error: $ZELLIGE was not built" >&2
  exit 1
fi

mkdir -p "$OUT"
echo "== compile examples/cnn/model.onnx for the host"
"$ZELLIGE" compile examples/cnn/model.onnx --target host -o "$OUT/cnn.zlg"

echo "== run (20 repetitions)"
run_args=(run "$OUT/cnn.zlg" --device host --input input=examples/cnn/input.npy
          --output-dir "$OUT" --repeat 20)
if [ -n "${THREADS:-}" ]; then run_args+=(--threads "$THREADS"); fi
"$ZELLIGE" "${run_args[@]}" | tee "$OUT/run.log"

echo "== result"
"$PY" - "$OUT/logits.npy" examples/cnn/logits.ref.npy <<'PYEOF'
import sys
import numpy as np

logits = np.load(sys.argv[1])[0].astype(np.float64)
ref = np.load(sys.argv[2])[0].astype(np.float64)
probs = np.exp(logits - logits.max())
probs /= probs.sum()
print("top-5 classes:")
for rank, i in enumerate(np.argsort(-logits)[:5], 1):
    print("  %d. class %d  score %8.4f  (softmax %.4f)" % (rank, i, logits[i],
                                                           probs[i]))
err = np.abs(logits - ref).max()
if not np.allclose(logits, ref, rtol=1e-3, atol=1e-5):
    print("quickstart: error: logits differ from the onnxruntime reference "
          "(max abs error %.3e)" % err, file=sys.stderr)
    sys.exit(1)
print("matches the onnxruntime reference (max abs error %.2e)" % err)
PYEOF
grep -E '^latency:' "$OUT/run.log" || {
  echo "quickstart: error: zellige run printed no latency line" >&2
  exit 1
}
