package io.hostplane.api.system;

/** What the API writes into the events it publishes. */
public final class ApiEvents {

    /** The CloudEvents {@code source} of every event the API publishes. */
    public static final String SOURCE = "/hostplane/api-service";

    private ApiEvents() {}
}
