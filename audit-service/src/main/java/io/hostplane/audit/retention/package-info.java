/**
 * Retention of the audit store: partitions created ahead of time, and partitions older than the retention
 * detached and dropped (never rows deleted), each drop recorded in {@code audit.expirations}. See docs/audit.md,
 * Retention.
 */
package io.hostplane.audit.retention;
