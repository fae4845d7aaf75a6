package io.hostplane.worker.website;

import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.job.Warning;
import java.util.List;

/** Where websites are served. Implementations are idempotent: applying the same website twice is harmless. */
interface WebsiteBackend {

    /** {@code local} or {@code nginx}, as reported in the job's result. */
    String name();

    /** Serves {@code website} as described, replacing what was served for its domain; returns warnings found. */
    List<Warning> apply(ApplyWebsite website);

    /**
     * Stops serving the website {@code websiteId} of {@code domain} (its files stay); returns whether there was
     * one. A block of the domain that belongs to another website is left alone.
     */
    boolean delete(String websiteId, String domain);
}
