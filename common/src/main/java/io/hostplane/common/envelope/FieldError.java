package io.hostplane.common.envelope;

/** One problem with one field of a request, named by path: {@code ttl}, {@code changes[1].record.content}. */
public record FieldError(String field, String code, String message) {}
