package io.hostplane.api.domains;

import java.time.Instant;

/** A domain as the API shows it; {@code status} is {@code pending} until its zone exists. */
public record DomainView(String name, String tenant, String status, Instant createdAt) {}
