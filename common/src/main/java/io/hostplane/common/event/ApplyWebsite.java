package io.hostplane.common.event;

import io.hostplane.common.job.Warning;
import java.util.List;

/**
 * Command {@code website.apply}: make the web servers serve website {@code websiteId} as described, replacing
 * whatever they served for it before (a creation and every change send the whole website).
 *
 * @param websiteId the website's id
 * @param domain the owned, active domain it serves (its server block and live root are named after it)
 * @param aliases further names it answers to (names the tenant owns; {@code www.} is an ordinary alias)
 * @param kind {@code static} (files from the live root) or {@code proxy} (requests passed to {@code upstream})
 * @param upstream proxy: the upstream URL as the tenant gave it ({@code http} or {@code https}); null for static
 * @param upstreamAddress proxy: the IP address the upstream's name was resolved to and checked when the API
 *     accepted the change; the server block connects to it, never re-resolving the name. Null for static
 * @param https {@code auto} (TLS when the domain has a certificate), {@code off}, or {@code redirect} (http
 *     answers with a redirect to https when there is a certificate)
 * @param deploymentId static: the deployment the live root points to, or null to leave the live root as it is
 * @param warnings what the API found when it checked the change (no address record for a name, …), passed on
 */
public record ApplyWebsite(
        String websiteId,
        String domain,
        List<String> aliases,
        String kind,
        String upstream,
        String upstreamAddress,
        String https,
        String deploymentId,
        List<Warning> warnings) {}
