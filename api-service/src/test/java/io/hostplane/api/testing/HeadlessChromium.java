package io.hostplane.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven through Debian's {@code chromedriver} by Selenium, for the browser tests;
 * nothing downloads a browser or a driver. {@code .ci/run} installs both packages; elsewhere each test of a class
 * marked {@code @ExtendWith(HeadlessChromium.Required.class)} is reported as skipped, with the reason, when they are
 * missing (in CI, with {@code CI} set, it fails instead).
 */
public final class HeadlessChromium {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {}

    /**
     * Skips each test (not the class, which would be reported as no tests at all) where Chromium is missing,
     * outside CI.
     */
    public static final class Required implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return evaluate(context.getTestMethod().isPresent(), System.getenv("CI") != null, CHROMIUM, CHROMEDRIVER);
        }

        static ConditionEvaluationResult evaluate(boolean aTest, boolean ci, Path chromium, Path driver) {
            if (!aTest || ci || isInstalled(chromium, driver)) {
                return ConditionEvaluationResult.enabled("Chromium is installed, or CI requires it");
            }
            return ConditionEvaluationResult.disabled(missing(chromium, driver));
        }
    }

    public static boolean isInstalled(Path chromium, Path driver) {
        return Files.isExecutable(chromium) && Files.isExecutable(driver);
    }

    public static String missing(Path chromium, Path driver) {
        return "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver): " + chromium
                + (Files.isExecutable(chromium) ? " is there, " : " is missing, ") + driver
                + (Files.isExecutable(driver) ? " is there" : " is missing");
    }

    /**
     * A headless browser with a fresh profile, or {@code null} where Chromium is missing outside CI (its tests are
     * then skipped by {@link Required}); in CI a missing Chromium fails.
     */
    public static WebDriver start() throws IOException {
        boolean present = isInstalled(CHROMIUM, CHROMEDRIVER);
        if (!present && System.getenv("CI") == null) {
            return null;
        }
        assertThat(present)
                .as("CI must have chromium and chromium-driver (installed by .ci/run)")
                .isTrue();
        Path profile = Files.createTempDirectory("hostplane-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // No traffic off the machine: no background networking, updates, sync or QUIC.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,2000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
