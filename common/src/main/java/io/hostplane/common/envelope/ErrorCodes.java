package io.hostplane.common.envelope;

/** Stable error codes, in field errors and job errors, that scripts may rely on. */
public final class ErrorCodes {

    public static final String REQUIRED = "REQUIRED";
    public static final String INVALID = "INVALID";
    public static final String TOO_SMALL = "TOO_SMALL";
    public static final String TOO_LARGE = "TOO_LARGE";
    public static final String UNSUPPORTED = "UNSUPPORTED";
    public static final String MALFORMED_JSON = "MALFORMED_JSON";
    public static final String NOT_IN_ZONE = "NOT_IN_ZONE";
    public static final String DOMAIN_UNAVAILABLE = "DOMAIN_UNAVAILABLE";
    public static final String BACKEND_ERROR = "BACKEND_ERROR";
    public static final String ZONE_NOT_FOUND = "ZONE_NOT_FOUND";

    private ErrorCodes() {}
}
