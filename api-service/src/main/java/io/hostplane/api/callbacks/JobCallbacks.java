package io.hostplane.api.callbacks;

/** Names shared by the parts of the callback feature that live in other packages. */
public final class JobCallbacks {

    /** Reactor context key under which a request's checked callback URL reaches job acceptance. */
    public static final String CONTEXT_KEY = "hostplane.callbackUrl";

    private JobCallbacks() {}
}
