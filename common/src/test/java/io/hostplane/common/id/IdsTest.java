package io.hostplane.common.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class IdsTest {

    @Test
    void uuidV7CarriesVersionVariantAndTime() {
        long millis = 1_767_225_600_000L;
        UUID id = Ids.uuidV7(millis);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void uuidV7SortsByCreationTime() {
        UUID earlier = Ids.uuidV7(1_000_000L);
        UUID later = Ids.uuidV7(1_000_001L);
        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void ulidIs26CrockfordCharactersThatSortByTime() {
        String a = Ids.ulid(1_700_000_000_000L);
        String b = Ids.ulid(1_700_000_000_001L);
        assertThat(a).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(a.substring(0, 10)).isLessThan(b.substring(0, 10));
    }

    @Test
    void prefixedIdsHaveTheirPrefix() {
        assertThat(Ids.prefixed("t")).matches("t_[0-9a-z]{12}");
        assertThat(Ids.prefixed("t")).isNotEqualTo(Ids.prefixed("t"));
    }
}
