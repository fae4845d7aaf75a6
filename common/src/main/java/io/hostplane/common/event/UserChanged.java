package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A user was created or deleted. Never carries the password or its hash. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserChanged(String userId, String tenant, String username, List<String> scopes, String actorTokenId) {}
