package io.hostplane.worker.backup;

/** An archive that does not match its manifest, cannot be read, or would write outside the site. */
public class DamagedArchiveException extends Exception {

    public DamagedArchiveException(String message) {
        super(message, null, false, false);
    }

    public DamagedArchiveException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
