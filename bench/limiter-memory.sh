#!/usr/bin/env bash
# Heap held by the per-token rate limiters with N distinct active tokens (default 100,000).
#   bench/limiter-memory.sh [TOKENS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true install -pl bench -am
./mvnw -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
java -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.hostplane.bench.LimiterMemory "${1:-100000}"
