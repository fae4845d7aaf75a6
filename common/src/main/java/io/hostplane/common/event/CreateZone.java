package io.hostplane.common.event;

/** Command {@code domain.create}: create the zone of a newly added domain. */
public record CreateZone(String zone) {}
