/**
 * Per-token rate limits: resilience4j's fixed-window limiter, one per token and replica, evicted when idle.
 */
package io.hostplane.api.ratelimit;
