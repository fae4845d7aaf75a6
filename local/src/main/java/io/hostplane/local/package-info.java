/**
 * {@code ./hostplane dev}: a real Kafka broker and a real PostgreSQL (embedded, unless environment
 * variables name external ones) and the three services in one JVM, with data kept under
 * {@code .hostplane/}.
 */
package io.hostplane.local;
