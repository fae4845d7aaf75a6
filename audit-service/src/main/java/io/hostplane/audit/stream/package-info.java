/**
 * Audit streams: continuous delivery of stored audit events to an HTTP collector (Splunk HEC shape) or a syslog
 * collector (RFC 5424 over TLS). Definitions are the API's ({@code api.audit_streams}, read here only); each
 * stream's position and status are this service's ({@code audit_stream.*}). {@link StreamRunner} leases streams
 * and runs one {@link StreamLoop} per leased stream; {@link StreamStore} holds all the SQL. See docs/audit.md,
 * "Streams".
 */
package io.hostplane.audit.stream;
