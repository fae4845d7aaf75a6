package io.hostplane.cli;

/** The exit codes scripts can rely on; documented in {@code docs/cli.md}. */
final class ExitCodes {

    /** Done; a watched job succeeded; a verification found the log intact. */
    static final int OK = 0;
    /** The API refused the request (400, 404, 409, 422, 429): the message says why. */
    static final int REFUSED = 1;
    /** Bad arguments or options (picocli's own code for usage errors); a file to verify that is no audit export. */
    static final int USAGE = 2;
    /** No token, a wrong or expired token (401), or a token without the scope (403). */
    static final int AUTH = 3;
    /** The API could not be reached, or answered 5xx / 503. */
    static final int UNAVAILABLE = 4;
    /**
     * The call worked but the answer is no: a job ended failed or cancelled, a chain or an exported file does not
     * verify.
     */
    static final int NEGATIVE = 5;

    private ExitCodes() {}
}
