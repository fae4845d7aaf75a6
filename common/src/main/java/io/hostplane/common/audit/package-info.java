/**
 * The audit store's integrity contract, shared by the audit service (which writes the chains and signs
 * checkpoints) and the API (which verifies them): the canonical form of a chain link, its SHA-256, and the
 * bytes an Ed25519 checkpoint signature covers. Described in {@code docs/audit.md}.
 */
package io.hostplane.common.audit;
