package io.hostplane.common.event;

/**
 * A tenant rotated its callback signing secret ({@code POST /callbacks/secret/rotate}): the new secret's id and
 * until when the ones before it keep signing. Never the secret.
 */
public record CallbackSecretRotated(String secretId, java.time.Instant previousValidUntil, String actorTokenId) {}
