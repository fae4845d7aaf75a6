#!/usr/bin/env bash
# Heap held by the per-token rate limiters with N distinct active tokens (default 100,000).
#   bench/limiter-memory.sh [TOKENS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/build.sh
source "$ROOT/bench/build.sh"
bench_build
java -Xmx1g -XX:+UseSerialGC -cp "$BENCH_CP" \
  io.hostplane.bench.LimiterMemory "${1:-100000}"
