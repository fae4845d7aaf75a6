/**
 * Real infrastructure without Docker: a Kafka broker (KRaft) in a child JVM started from Kafka's own jars,
 * and a PostgreSQL server from embedded binaries. Used by {@code ./hostplane dev} and by the integration
 * tests ({@link io.hostplane.embedded.TestInfrastructure}). Debian's nginx and PowerDNS run as tests' child
 * processes ({@link io.hostplane.embedded.NginxServer}, {@link io.hostplane.embedded.PowerDnsServer}).
 */
package io.hostplane.embedded;
