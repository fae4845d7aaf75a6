package io.hostplane.common.job;

/** Why a job failed: a stable code for scripts and a message for people. */
public record JobError(String code, String message) {}
