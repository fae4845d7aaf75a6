package io.hostplane.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DatabaseSettingsTest {

    @Test
    void theJdbcUrlIsDerivedFromSpringsR2dbcUrl() {
        assertThat(new DatabaseSettings("r2dbc:postgresql://db:5432/hostplane?sslmode=require", "u", "p").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db:5432/hostplane?sslmode=require");
        assertThat(new DatabaseSettings("r2dbc:pool:postgresql://127.0.0.1:15432/hostplane", "u", "p").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:15432/hostplane");
    }

    @Test
    void onlyPostgresqlIsAccepted() {
        assertThatThrownBy(() -> new DatabaseSettings("r2dbc:h2:mem:///x", "u", "p").jdbcUrl())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("r2dbc:postgresql://");
    }
}
