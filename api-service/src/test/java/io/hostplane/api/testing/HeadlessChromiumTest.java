package io.hostplane.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where Chromium is missing, each browser test is skipped with the reason, the class is not; in CI none is. */
class HeadlessChromiumTest {

    private static final Path NONE = Path.of("/nonexistent/chromium");

    @Test
    void aTestIsSkippedWithTheReasonWhereChromiumIsMissingOutsideCi() {
        var result = HeadlessChromium.Required.evaluate(true, false, NONE, Path.of("/bin/sh"));
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason())
                .hasValue("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver): "
                        + "/nonexistent/chromium is missing, /bin/sh is there");
    }

    @Test
    void theClassItselfAndCiAndAnInstalledChromiumAreNotSkipped() {
        assertThat(HeadlessChromium.Required.evaluate(false, false, NONE, NONE).isDisabled())
                .isFalse();
        assertThat(HeadlessChromium.Required.evaluate(true, true, NONE, NONE).isDisabled())
                .isFalse();
        assertThat(HeadlessChromium.Required.evaluate(true, false, Path.of("/bin/sh"), Path.of("/bin/sh"))
                        .isDisabled())
                .isFalse();
    }
}
