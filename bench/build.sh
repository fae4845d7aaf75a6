# shellcheck shell=bash
# Sourced by the benchmark scripts (ROOT set, working directory the project root). bench_build [MODULES]
# builds the bench module and MODULES (comma-separated, e.g. local,cli for ./hostplane dev) together with
# everything they depend on (-am), in one reactor: a fresh clone has none of the project's own artifacts in
# the local Maven repository, and building without -am fails with "Could not find artifact
# io.hostplane:api-service". Nothing is installed there either, so a run never replaces the artifacts
# another checkout resolves. bench/pom.xml writes the class path of that reactor (the modules' jars in
# their target/ folders) to bench/target/classpath.txt as it packages; BENCH_CP is it with bench's
# classes. Builds once per script run.
bench_build() {
  [ -n "${BENCH_CP:-}" ] && return 0
  echo "bench: building ${1:+$1,}bench (tests skipped)…" >&2
  ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl "${1:+$1,}bench" -am
  BENCH_CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"
}
