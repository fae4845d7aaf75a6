#!/usr/bin/env bash
# Backup archiver throughput and memory: archives a generated site (default 2048 files x 1 MiB = 2 GiB, in a
# temporary directory that is deleted afterwards) with the worker's SiteArchiver in a JVM of 64 MiB heap,
# then verifies it as a restore does. Needs about 3 GiB free in DIR (default: the system's temp dir).
#   bench/backup.sh [FILES] [MIB] [DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/build.sh
source "$ROOT/bench/build.sh"
bench_build
java -Xmx64m -XX:+UseSerialGC -cp "$BENCH_CP" \
  io.hostplane.bench.BackupBench "${1:-2048}" "${2:-1}" ${3:+"$3"}
