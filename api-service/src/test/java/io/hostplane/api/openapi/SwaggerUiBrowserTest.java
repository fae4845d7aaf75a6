package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Swagger UI at {@code /docs} in a real headless Chromium ({@link HeadlessChromium}): the
 * page loads the document, a token given under "Authorize" is kept, and "Try it out" on {@code GET /me}
 * reaches the API with it (same origin) and shows the caller's tenant. Each test is reported as skipped, with the reason, without chromium outside CI.
 */
@ExtendWith(HeadlessChromium.Required.class)
class SwaggerUiBrowserTest extends ApiIntegrationTest {

    static WebDriver browser;

    @BeforeAll
    static void startChromium() throws Exception {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void tryItOutCallsTheApiWithTheAuthorizedToken() throws Exception {
        try {
            tryItOut();
        } finally {
            screenshot();
        }
    }

    /** The page as the test left it, for a person to look at; a browser too stuck to take it hides nothing. */
    private static void screenshot() {
        try {
            Path shot = Path.of("target", "swagger-ui.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (Exception e) {
            System.err.println("no screenshot of Swagger UI: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void tryItOut() {
        String base = "http://127.0.0.1:" + env.getProperty("local.server.port");
        browser.get(base + "/docs");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("operations-System-getMe")));
        assertThat(browser.findElement(By.cssSelector(".info .title")).getText())
                .contains("Hostplane API");
        assertThat(browser.findElements(By.cssSelector(".opblock"))).hasSizeGreaterThan(40);

        browser.findElement(By.cssSelector(".auth-wrapper button.authorize")).click();
        WebElement bearer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//div[contains(@class,'auth-container')][.//code[text()='bearerAuth']]")));
        bearer.findElement(By.cssSelector("input")).sendKeys(allToken);
        browser.findElement(By.cssSelector(".dialog-ux button.modal-btn.authorize"))
                .click();
        wait.until(d -> bearer.getText().contains("Authorized"));
        browser.findElement(By.cssSelector("button.btn-done")).click();

        WebElement me = browser.findElement(By.id("operations-System-getMe"));
        me.findElement(By.cssSelector(".opblock-summary-control")).click();
        wait.until(d -> me.findElements(By.cssSelector("button.try-out__btn")).size() > 0);
        me.findElement(By.cssSelector("button.try-out__btn")).click();
        wait.until(d -> me.findElements(By.cssSelector("button.execute")).size() > 0);
        me.findElement(By.cssSelector("button.execute")).click();
        WebElement status = wait.until(
                d -> me.findElements(By.cssSelector(".live-responses-table tbody .response-col_status")).stream()
                        .findFirst()
                        .orElse(null));
        assertThat(status.getText()).startsWith("200");
        assertThat(me.findElement(By.cssSelector(".live-responses-table tbody .response-col_description"))
                        .getText())
                .contains(tenant);
        // The curl line Swagger UI shows carries the token as a bearer header.
        assertThat(me.findElement(By.cssSelector(".curl-command")).getText())
                .contains("Authorization: Bearer " + allToken);

        // persistAuthorization: after a reload the token is still there.
        browser.navigate().refresh();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("operations-System-getMe")));
        browser.findElement(By.cssSelector(".auth-wrapper button.authorize")).click();
        WebElement again = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//div[contains(@class,'auth-container')][.//code[text()='bearerAuth']]")));
        assertThat(again.getText()).contains("Authorized");
    }
}
