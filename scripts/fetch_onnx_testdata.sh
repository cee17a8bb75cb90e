#!/usr/bin/env bash
# scripts/fetch_onnx_testdata.sh - the newer ONNX backend test data from PyPI.
#
# Debian's libonnx-testdata stops at opset 17. The onnx wheels no longer ship
# the node tests, but the source distribution on PyPI does: this downloads
# onnx==$ONNX_VERSION's sdist with pip and extracts onnx/backend/test/data
# into DEST (default build/onnx-testdata/onnx-$ONNX_VERSION). Then:
#   zellige conformance DEST/node --target host --json host-onnx.json
set -euo pipefail
ONNX_VERSION=${ONNX_VERSION:-1.18.0}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/build/onnx-testdata/onnx-$ONNX_VERSION}
if [ -d "$DEST/node" ]; then
  echo "$DEST/node is already there"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download "onnx==$ONNX_VERSION" --no-binary :all: --no-deps \
  --quiet -d "$work"
mkdir -p "$DEST"
tar -xzf "$work/onnx-$ONNX_VERSION.tar.gz" -C "$work" \
  "onnx-$ONNX_VERSION/onnx/backend/test/data"
cp -r "$work/onnx-$ONNX_VERSION/onnx/backend/test/data/." "$DEST/"
echo "ONNX $ONNX_VERSION backend test data in $DEST: $(ls -d "$DEST"/node/*/ | wc -l) node tests"
