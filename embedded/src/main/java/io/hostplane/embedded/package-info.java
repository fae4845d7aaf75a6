/**
 * Real infrastructure without Docker: a Kafka broker (KRaft) in a child JVM started from Kafka's own jars,
 * and a PostgreSQL server from embedded binaries. Used by {@code ./hostplane dev} and by the integration
 * tests ({@link io.hostplane.embedded.TestInfrastructure}).
 */
package io.hostplane.embedded;
