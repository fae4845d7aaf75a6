package io.hostplane.common.event;

/** Command {@code domain.delete}: remove a domain's zone and every record in it from the DNS backend. */
public record DeleteZone(String zone) {}
