package io.hostplane.api.system;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowedOrigins browser origins (scheme://host[:port]) that may call the API cross-origin; empty
 *     means CORS stays closed (no {@code Access-Control-*} headers, preflights refused)
 */
@ConfigurationProperties("hostplane.cors")
public record CorsProperties(@DefaultValue List<String> allowedOrigins) {}
