package io.hostplane.common.event;

import java.util.Map;

/**
 * The platform operator changed a tenant's limits ({@code PATCH /accounts/{id}}): the patch as sent and the
 * effective limits after it.
 */
public record AccountLimitsChanged(
        String accountId, Map<String, Object> patch, Map<String, Object> limits, String actorTokenId) {}
