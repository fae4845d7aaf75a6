package io.hostplane.common.scope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ScopeTest {

    @Test
    void wildcardGrantsEveryScopeButPlatformAdmin() {
        assertThat(Scope.expand("*"))
                .hasSize(Scope.values().length - 2)
                .doesNotContain(Scope.PLATFORM_ADMIN, Scope.PLATFORM_READ);
    }

    @Test
    void aWriteScopeIsOnlyItself() {
        assertThat(Scope.expand("dns.write")).containsExactly(Scope.DNS_WRITE);
        assertThat(Scope.expand("nonsense")).isEmpty();
    }
}
