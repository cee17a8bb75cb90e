#!/usr/bin/env bash
# scripts/setup.sh - install every package Zellige needs to build and test.
#
# Idempotent: when everything is already present it only checks and returns
# in a second or two. Run as root (or with sudo available).
set -euo pipefail

DEB_PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config git
  # compiler infrastructure
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # sanitizer and libFuzzer runtimes (scripts/run_sanitizers.sh, run_fuzzer.sh)
  libclang-rt-22-dev
  libzstd-dev zlib1g-dev libxml2-dev libedit-dev libcurl4-openssl-dev libffi-dev
  # ONNX
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  # OpenCL
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
  # SPIR-V, config, tuning database
  spirv-tools libtomlplusplus-dev libsqlite3-dev sqlite3
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # test/hostile traces the files zellige opens
  strace
  libopenblas-dev libclblast-dev
)
PIP_PACKAGES=(numpy onnx onnxruntime lit)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import numpy, onnx, onnxruntime, lit' 2>/dev/null; then
  echo "setup: installing Python packages: ${PIP_PACKAGES[*]}"
  "$PY" -m pip install -q "${PIP_PACKAGES[@]}"
fi
echo "setup: all dependencies present"
