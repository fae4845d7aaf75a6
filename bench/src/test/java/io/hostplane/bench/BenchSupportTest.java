package io.hostplane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BenchSupportTest {

    @Test
    void percentilesUseTheNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(BenchSupport.percentile(sorted, 0.50)).isEqualTo(5);
        assertThat(BenchSupport.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(BenchSupport.percentile(new long[0], 0.5)).isZero();
    }

    @Test
    void millisArePercentilesOfNanoseconds() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 1_000_000L + 500_000L;
        }
        assertThat(BenchSupport.millis(nanos, 0.50)).isEqualTo(50.5);
        assertThat(BenchSupport.millis(nanos, 0.90)).isEqualTo(90.5);
        assertThat(BenchSupport.millis(nanos, 0.99)).isEqualTo(99.5);
    }

    @Test
    void figuresAreWholeOrHaveThreeDecimals() {
        assertThat(BenchSupport.number(100000)).isEqualTo("100000");
        assertThat(BenchSupport.number(12.0)).isEqualTo("12");
        assertThat(BenchSupport.number(1234.56789)).isEqualTo("1234.568");
        assertThat(BenchSupport.number(0.5)).isEqualTo("0.500");
        assertThat(BenchSupport.number(Double.NaN)).isEqualTo("NaN");
    }
}
