package io.hostplane.worker.system;

/** A backend fault that may pass (timeout, connection refused, 5xx): the command is retried with backoff. */
public class TransientBackendException extends RuntimeException {

    public TransientBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
