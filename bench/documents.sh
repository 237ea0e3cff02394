#!/usr/bin/env bash
# Issue 16's figure: a decision with 500 annex lines, from its template to a PDF (fill + lay
# out + write with the fonts subset), timed in release over 20 runs. Usage: bench/documents.sh [lines] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/rel-target}"
nproc_line="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "machine: $nproc_line"
cargo run --quiet --release --example decision_pdf -- "${1:-500}" "${2:-20}"
