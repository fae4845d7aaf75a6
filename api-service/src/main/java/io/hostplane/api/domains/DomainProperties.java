package io.hostplane.api.domains;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowReservedTlds accept names under the reserved {@code .test} and {@code .example} (the local
 *     stack sets it; production leaves it off)
 * @param cacheTtl how long a replica answers "who owns this domain, and may it change" for a job from memory
 *     ({@link OwnedDomains#forJob}); the job's own transaction checks it again, so a stale answer can only make a
 *     refusal come later, never let a change through
 */
@ConfigurationProperties("hostplane.domains")
public record DomainProperties(
        boolean allowReservedTlds, @DefaultValue("2s") Duration cacheTtl) {}
