package io.hostplane.api.domains;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param allowReservedTlds accept names under the reserved {@code .test} and {@code .example} (the local
 *     stack sets it; production leaves it off)
 */
@ConfigurationProperties("hostplane.domains")
public record DomainProperties(boolean allowReservedTlds) {}
