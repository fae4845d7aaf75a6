package io.hostplane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class LoadDriverTest {

    @Test
    void percentilesUseTheNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LoadDriver.percentile(sorted, 0.50)).isEqualTo(5);
        assertThat(LoadDriver.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(LoadDriver.percentile(new long[0], 0.5)).isZero();
    }
}
