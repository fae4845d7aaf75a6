package io.hostplane.worker.system;

/** The job cannot succeed: it fails with this code and message, without retries. */
public class JobFailure extends RuntimeException {

    private final String code;

    public JobFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
