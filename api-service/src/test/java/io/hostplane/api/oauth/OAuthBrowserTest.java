package io.hostplane.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.testing.HeadlessChromium;
import io.hostplane.api.testing.OAuthTestSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The approval page end to end in a real headless Chromium (Debian's {@code chromium}, driven through
 * Debian's {@code chromedriver} by Selenium; nothing downloads a browser or a driver): a user opens the app's
 * {@code redirect_url}, signs in, sees the app and its scopes, and approves or denies; an expired request
 * refuses. {@code .ci/run} installs both packages; elsewhere each test is reported as skipped, with the reason, when they are missing.
 */
@ExtendWith(HeadlessChromium.Required.class)
class OAuthBrowserTest extends OAuthTestSupport {

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
    void aUserApprovesInTheBrowserAndTheAppCollectsItsToken() throws Exception {
        WebTestClient app = from("127.0.0.31");
        JsonNode created = request(app, "[\"dns.read\",\"jobs.read\"]");
        browser.manage().deleteAllCookies();
        browser.get(created.path("redirect_url").asString());
        assertThat(text("app")).isEqualTo("Deploy Bot");
        assertThat(browser.findElements(By.cssSelector("#scopes li")))
                .extracting(e -> e.getText())
                .anySatisfy(s -> assertThat(s).startsWith("dns.read"))
                .anySatisfy(s -> assertThat(s).startsWith("jobs.read"));

        signInWith("a wrong password");
        assertThat(text("error")).isEqualTo("Wrong user name or password.");
        signInWith(PASSWORD);
        assertThat(text("user")).isEqualTo(username);
        screenshot("oauth-consent.png");

        click("approve");
        assertThat(text("outcome")).contains("Access granted to Deploy Bot");
        assertThat(browser.findElement(By.id("return")).getAttribute("href"))
                .isEqualTo("https://bot.example.test/done");

        waitOutPollInterval();
        JsonNode approved = poll(app, created.path("verify_token").asString(), "approved");
        String token = approved.path("token").asString();
        JsonNode me = json(org.springframework.http.HttpMethod.GET, "/api/v1/me", token, null, 200)
                .path("data");
        assertThat(me.path("scopes").toString())
                .contains("dns.read")
                .contains("jobs.read")
                .doesNotContain("dns.write");

        // Back on the page afterwards: the request is decided and offers no buttons.
        browser.navigate().refresh();
        assertThat(text("outcome")).contains("already approved");
        assertThat(browser.findElements(By.id("approve"))).isEmpty();
    }

    @Test
    void aUserDeniesInTheBrowserAndTheAppGetsNoToken() throws Exception {
        WebTestClient app = from("127.0.0.32");
        JsonNode created = request(app, "[\"dns.write\"]");
        browser.manage().deleteAllCookies();
        browser.get(created.path("redirect_url").asString());
        signInWith(PASSWORD);
        click("deny");
        assertThat(text("outcome")).contains("Access denied to Deploy Bot");
        poll(app, created.path("verify_token").asString(), "denied");
        assertThat(count("select count(*) from api.tokens where oauth_request_id = '"
                        + created.path("id").asString() + "'"))
                .isZero();
    }

    @Test
    void anExpiredRequestCannotBeApproved() throws Exception {
        WebTestClient app = from("127.0.0.33");
        JsonNode created = request(app, "[\"dns.read\"]");
        String requestId = created.path("id").asString();
        browser.manage().deleteAllCookies();
        browser.get(created.path("redirect_url").asString());
        signInWith(PASSWORD);
        assertThat(browser.findElements(By.id("approve"))).hasSize(1);
        // The user waited too long: the request's time is up while the page is open.
        sql("update api.oauth_requests set expires_at = now() - interval '1 second' where id = ?", requestId);
        click("approve");
        assertThat(text("outcome")).contains("expired");
        poll(app, created.path("verify_token").asString(), "expired");
        browser.get(created.path("redirect_url").asString());
        assertThat(text("outcome")).contains("expired");
        assertThat(count("select count(*) from api.tokens where oauth_request_id = '" + requestId + "'"))
                .isZero();
    }

    private void signInWith(String password) {
        var name = browser.findElement(By.id("username"));
        name.clear();
        name.sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        click("sign-in");
    }

    /**
     * Clicks the button and waits for the page it leads to. Chromium sometimes replaces the page between finding the
     * button and clicking it ("Node with given id does not belong to the document"; nothing was clicked then): the
     * button is found again, at most three times.
     */
    private void click(String id) {
        for (int attempt = 1; ; attempt++) {
            var button = new WebDriverWait(browser, Duration.ofSeconds(15))
                    .until(ExpectedConditions.elementToBeClickable(By.id(id)));
            try {
                button.click();
            } catch (org.openqa.selenium.WebDriverException e) {
                boolean replaced = e instanceof org.openqa.selenium.StaleElementReferenceException
                        || String.valueOf(e.getMessage()).contains("does not belong to the document");
                if (replaced && attempt < 3) {
                    continue;
                }
                throw e;
            }
            new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(button));
            return;
        }
    }

    private String text(String id) {
        return new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id(id)))
                .getText();
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
