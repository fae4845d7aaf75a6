#!/usr/bin/env bash
# Backup archiver throughput and memory: archives a generated site (default 2048 files x 1 MiB = 2 GiB, in a
# temporary directory that is deleted afterwards) with the worker's SiteArchiver in a JVM of 64 MiB heap,
# then verifies it as a restore does. Needs about 3 GiB free in DIR (default: the system's temp dir).
#   bench/backup.sh [FILES] [MIB] [DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true install -pl bench -am
./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
java -Xmx64m -XX:+UseSerialGC -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.hostplane.bench.BackupBench "${1:-2048}" "${2:-1}" ${3:+"$3"}
