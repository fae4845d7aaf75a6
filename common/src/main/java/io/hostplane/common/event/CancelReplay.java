package io.hostplane.common.event;

/** A request to stop replay job {@code jobId}; the replay ends {@code cancelled} with what it did so far. */
public record CancelReplay(String jobId) {}
