package io.hostplane.common.event;

/** A tenant (customer account) was created by the platform operator. */
public record AccountCreated(String accountId, String name, String actorTokenId) {}
