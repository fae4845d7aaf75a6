package io.hostplane.common.job;

/**
 * A non-critical warning on a successful job: the change was made, but something needs a person's
 * attention, e.g. {@code {"type":"DNS","code":"RECORD_EXISTS","message":"…"}}.
 */
public record Warning(String type, String code, String message) {}
