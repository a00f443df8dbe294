package io.kairos.standalone;

import static io.kairos.standalone.KairosUnderTest.OPERATOR_KEY;
import static io.kairos.standalone.KairosUnderTest.READER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kairos.testing.KairosFixture;
import java.io.File;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium through chromedriver, both Debian's packages)
 * against a worker and the API: sign-in, jobs created over REST running on the pages, pause and
 * resume, requeue of a dead job, a read-only key, a form without its token. Each page is saved as a
 * screenshot under {@code target/ui-screenshots/}. The browser runs in Europe/Oslo, so pages show
 * times in the zone the page script finds there.
 */
class UiBrowserTests {

  static final Path CHROMIUM = Path.of(System.getProperty("kairos.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("kairos.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  static final String BROWSER_ZONE = "Europe/Oslo";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  static KairosUnderTest kairos;
  static HttpServer hooks;
  static final AtomicInteger flakyCalls = new AtomicInteger();

  WebDriver browser;

  static final boolean BROWSER_INSTALLED =
      Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  static final String SKIPPED =
      "Dashboard browser tests skipped: no "
          + CHROMIUM
          + " or "
          + CHROMEDRIVER
          + " (apt-get install -y chromium chromium-driver)";

  @BeforeAll
  static void start() throws Exception {
    if (!BROWSER_INSTALLED) {
      // Said once here; each test is then skipped by its assumption (surefire shows no reasons).
      System.out.println(SKIPPED);
      return;
    }
    Files.createDirectories(SCREENSHOTS);
    hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hooks.createContext(
        "/flaky",
        exchange -> reply(exchange, flakyCalls.incrementAndGet() == 1 ? 404 : 200, "flaky"));
    hooks.start();
    kairos =
        KairosUnderTest.start(
            List.of(
                // Webhook headers are sealed with it, on the API and the worker.
                "--kairos.encryption.key=" + KairosFixture.ENCRYPTION_KEY,
                "--kairos.webhook.signing-secret=" + SIGNING_SECRET,
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=" + hooks.getAddress().getPort()),
            List.of(
                "--kairos.encryption.key=" + KairosFixture.ENCRYPTION_KEY,
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=" + hooks.getAddress().getPort(),
                "--kairos.ui.refresh-every=1s"));
  }

  @AfterAll
  static void stop() {
    if (kairos != null) {
      kairos.close();
    }
    if (hooks != null) {
      hooks.stop(0);
    }
  }

  @BeforeEach
  void browserInstalled() {
    Assumptions.assumeTrue(BROWSER_INSTALLED, SKIPPED);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void jobsCreatedOverRestRunOnThePagesWhichRefreshThemselves() throws Exception {
    browser = newBrowser();
    browser.get(kairos.base + "/");
    waitFor(ExpectedConditions.urlContains("/ui/sign-in"));
    screenshot("sign-in");
    signIn(OPERATOR_KEY);
    assertThat(browser.getTitle()).isEqualTo("Overview · Kairos");
    // The page script asked for the browser's zone, and the server shows times in it.
    assertThat(browser.getCurrentUrl()).contains("tz=Europe%2FOslo");
    assertThat(text(By.cssSelector(".live-status"))).contains("Live");
    String completedBefore = text(By.cssSelector("#state-COMPLETED .count"));

    createJob("ui-hello", "log", "{\"message\":\"hello from the browser test\"}", null);
    createJob("ui-beat", "noop", "{}", "{\"every\":\"PT1S\"}");
    createJob(
        "ui-morning",
        "log",
        "{\"message\":\"good morning\"}",
        "{\"cron\":\"0 0 9 * * MON-FRI\",\"timeZone\":\"America/New_York\"}");

    // Without reloading: the overview's live part is refreshed by the page script.
    waitFor(
        d ->
            Integer.parseInt(text(By.cssSelector("#state-COMPLETED .count")))
                > Integer.parseInt(completedBefore));
    waitFor(d -> !d.findElements(By.cssSelector("#executions-chart rect.bar")).isEmpty());
    assertThat(text(By.id("node-counts"))).contains("1").contains("nodes alive");
    screenshot("overview");

    browser.get(kairos.base + "/ui/jobs");
    waitFor(ExpectedConditions.urlContains("tz="));
    assertThat(text(By.id("job-ui-hello"))).contains("COMPLETED").contains("SUCCEEDED");
    assertThat(text(By.id("job-ui-morning"))).contains("SCHEDULED").contains("cron 0 0 9");
    screenshot("jobs");

    // Filters: by type, and by id prefix.
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-type")))
        .selectByValue("noop");
    browser.findElement(By.id("apply-filter")).click();
    waitFor(ExpectedConditions.urlContains("type=noop"));
    assertThat(browser.findElements(By.id("job-ui-beat"))).hasSize(1);
    assertThat(browser.findElements(By.id("job-ui-hello"))).isEmpty();
    browser.get(kairos.base + "/ui/jobs?prefix=ui-h");
    assertThat(browser.findElements(By.cssSelector("#jobs-rows tr")))
        .extracting(WebElement::getText)
        .singleElement()
        .asString()
        .contains("ui-hello");

    // The job page: next five fire times in the job's zone and the viewer's.
    browser.get(kairos.base + "/ui/jobs/ui-morning");
    List<WebElement> fireTimes = browser.findElements(By.cssSelector("#fire-times tbody tr"));
    assertThat(fireTimes).hasSize(5);
    Instant next = Instant.parse(kairos.job("ui-morning").get("nextRunAt").asText());
    DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    String first = fireTimes.get(0).getText();
    assertThat(first)
        .contains(format.format(next.atZone(ZoneId.of("America/New_York"))))
        .contains(format.format(next.atZone(ZoneId.of(BROWSER_ZONE))))
        .contains("09:00:00");
    assertThat(text(By.id("schedule-text")))
        .isEqualTo("cron 0 0 9 * * MON-FRI in America/New_York");
    screenshot("job");

    // A recurring job's runs appear on its timeline as they happen.
    browser.get(kairos.base + "/ui/jobs/ui-beat");
    waitFor(d -> d.findElements(By.cssSelector("#runs li")).size() >= 3);
    assertThat(text(By.cssSelector("#runs li")))
        .contains("SUCCEEDED")
        .contains(KairosUnderTest.WORKER);
    screenshot("job-runs");

    browser.get(kairos.base + "/ui/nodes");
    assertThat(text(By.id("node-" + KairosUnderTest.WORKER))).contains("ALIVE");
    screenshot("nodes");
    browser.get(kairos.base + "/ui/job-types");
    assertThat(browser.findElements(By.cssSelector("section.type"))).hasSizeGreaterThanOrEqualTo(5);
    browser.findElement(By.cssSelector("#type-webhook summary")).click();
    assertThat(text(By.cssSelector("#type-webhook pre"))).contains("\"url\"");
    // The standalone worker published the built-in types: each shows who serves it.
    assertThat(text(By.cssSelector("#type-noop"))).contains("Served by " + KairosUnderTest.WORKER);
    screenshot("job-types");
    browser.get(kairos.base + "/ui/credentials");
    assertThat(browser.getTitle()).isEqualTo("Credentials · Kairos");
    screenshot("credentials");
  }

  /** An application's type, published by a worker that has gone since. */
  record Reminder(String invoiceId) {}

  @Test
  void aJobOfATypeNoLiveWorkerServesSaysOnItsPageWhatItWaitsFor() throws Exception {
    new io.kairos.catalogue.PublishedTypes(
            kairos.db.dataSource(),
            io.kairos.schema.KairosSchema.DEFAULT,
            io.kairos.serialization.KairosJson.newObjectMapper(),
            Duration.ofSeconds(15),
            Duration.ZERO)
        .publish(
            "gone-app-1",
            List.of(new io.kairos.job.JobType<>("invoice-reminder", Reminder.class, "")));
    // The API reads published types at most once a second.
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                kairos
                        .post(
                            "/api/v1/jobs",
                            "{\"type\":\"invoice-reminder\",\"id\":\"ui-orphan\","
                                + "\"payload\":{\"invoiceId\":\"A\"}}")
                        .statusCode()
                    == 201);
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn(OPERATOR_KEY);
    browser.get(kairos.base + "/ui/jobs/ui-orphan");
    assertThat(text(By.id("job-waiting-for")))
        .isEqualTo("Waiting: no live worker serves type invoice-reminder");
    screenshot("job-waiting");
    browser.get(kairos.base + "/ui/job-types");
    assertThat(text(By.cssSelector("#type-invoice-reminder")))
        .contains("An application's own type.")
        .contains("No live worker serves it");
  }

  @Test
  void pauseAndResumeOneJobAndSeveralFromTheUi() throws Exception {
    createJob("ui-nightly-1", "noop", "{}", "{\"cron\":\"0 0 3 * * *\"}");
    createJob("ui-nightly-2", "noop", "{}", "{\"cron\":\"0 0 4 * * *\"}");
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn(OPERATOR_KEY);

    browser.get(kairos.base + "/ui/jobs/ui-nightly-1");
    // Not confirmed: the browser does not send the form, nothing changes.
    browser.findElement(By.id("action-pause")).click();
    assertThat(kairos.state("ui-nightly-1")).isEqualTo("SCHEDULED");
    browser.findElement(By.id("action-confirm")).click();
    browser.findElement(By.id("action-pause")).click();
    waitFor(ExpectedConditions.textToBe(By.id("job-state"), "PAUSED"));
    assertThat(text(By.cssSelector(".results"))).contains("ui-nightly-1").contains("paused");
    assertThat(kairos.state("ui-nightly-1")).isEqualTo("PAUSED");
    assertThat(kairos.job("ui-nightly-1").get("updatedBy").asText()).isEqualTo("operator");
    screenshot("job-paused");

    browser.findElement(By.id("action-confirm")).click();
    browser.findElement(By.id("action-resume")).click();
    waitFor(ExpectedConditions.textToBe(By.id("job-state"), "SCHEDULED"));
    assertThat(kairos.state("ui-nightly-1")).isEqualTo("SCHEDULED");

    // Several at once from the list.
    browser.get(kairos.base + "/ui/jobs?prefix=ui-nightly");
    browser.findElement(By.id("select-ui-nightly-1")).click();
    browser.findElement(By.id("select-ui-nightly-2")).click();
    browser.findElement(By.id("bulk-confirm")).click();
    browser.findElement(By.id("bulk-pause")).click();
    waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".results li.ok")));
    assertThat(browser.findElements(By.cssSelector(".results li.ok"))).hasSize(2);
    assertThat(kairos.state("ui-nightly-1")).isEqualTo("PAUSED");
    assertThat(kairos.state("ui-nightly-2")).isEqualTo("PAUSED");
    assertThat(browser.getCurrentUrl()).contains("prefix=ui-nightly");
    assertThat(text(By.id("job-ui-nightly-2"))).contains("PAUSED");
    screenshot("jobs-paused");

    browser.findElement(By.id("select-ui-nightly-1")).click();
    browser.findElement(By.id("select-ui-nightly-2")).click();
    browser.findElement(By.id("bulk-confirm")).click();
    browser.findElement(By.id("bulk-resume")).click();
    waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".results li.ok")));
    assertThat(kairos.state("ui-nightly-1")).isEqualTo("SCHEDULED");
    assertThat(kairos.state("ui-nightly-2")).isEqualTo("SCHEDULED");
  }

  @Test
  void aRunningAttemptShowsItsProgressLiveAndIsStoppedFromItsPage() throws Exception {
    createJob("ui-long", "noop", "{\"duration\":\"PT120S\"}", null);
    await().atMost(WAIT).until(() -> kairos.state("ui-long").equals("RUNNING"));
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn(OPERATOR_KEY);
    browser.get(kairos.base + "/ui/jobs/ui-long");

    // The live part shows the progress the worker reports, and refreshes it without a reload.
    waitFor(ExpectedConditions.presenceOfElementLocated(By.id("progress-count")));
    String first = text(By.id("progress-count"));
    assertThat(first).matches("\\d+ of 120");
    assertThat(text(By.id("progress-message"))).isEqualTo("— waiting");
    assertThat(browser.findElement(By.id("progress-bar")).getAttribute("max")).isEqualTo("120");
    waitFor(d -> !text(By.id("progress-count")).equals(first));
    screenshot("job-progress");

    browser.findElement(By.id("action-confirm")).click();
    browser.findElement(By.id("action-stop")).click();
    waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".results")));
    assertThat(text(By.cssSelector(".results"))).contains("ui-long").contains("asked to stop");
    await().atMost(WAIT).until(() -> kairos.state("ui-long").equals("CANCELLED"));
    browser.get(kairos.base + "/ui/jobs/ui-long");
    assertThat(text(By.id("job-state"))).isEqualTo("CANCELLED");
    assertThat(text(By.cssSelector("#runs li"))).contains("CANCELLED").contains("of 120");
    assertThat(browser.findElements(By.id("action-stop"))).isEmpty();
    screenshot("job-stopped");
  }

  @Test
  void aDeadJobIsShownWithItsErrorAndRequeuedFromTheUi() throws Exception {
    createJob(
        "ui-flaky",
        "webhook",
        "{\"url\":\"http://127.0.0.1:"
            + hooks.getAddress().getPort()
            + "/flaky\",\"headers\":{\"Authorization\":\"Bearer hook-secret-5521\"}}",
        null);
    await().atMost(WAIT).until(() -> kairos.state("ui-flaky").equals("DEAD"));
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn(OPERATOR_KEY);

    browser.get(kairos.base + "/ui/dead-jobs");
    assertThat(text(By.id("dead-ui-flaky"))).contains("webhook").contains("404");
    screenshot("dead-jobs");
    // Its payload is shown without the header's secret.
    browser.get(kairos.base + "/ui/jobs/ui-flaky");
    assertThat(text(By.id("payload"))).contains("\"Authorization\" : \"***\"");
    assertThat(browser.getPageSource()).doesNotContain("hook-secret-5521");

    browser.get(kairos.base + "/ui/dead-jobs");
    browser.findElement(By.id("select-ui-flaky")).click();
    browser.findElement(By.id("dead-confirm")).click();
    browser.findElement(By.id("dead-requeue")).click();
    waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".results li.ok")));
    assertThat(text(By.cssSelector(".results"))).contains("ui-flaky").contains("requeued");
    await().atMost(WAIT).until(() -> kairos.state("ui-flaky").equals("COMPLETED"));
    browser.get(kairos.base + "/ui/dead-jobs");
    assertThat(browser.findElements(By.id("dead-ui-flaky"))).isEmpty();
    browser.get(kairos.base + "/ui/jobs/ui-flaky");
    assertThat(browser.findElements(By.cssSelector("#runs li")))
        .extracting(WebElement::getText)
        .satisfiesExactly(
            succeeded -> assertThat(succeeded).contains("SUCCEEDED"),
            failed -> assertThat(failed).contains("FAILED"));
  }

  @Test
  void aReadOnlyKeySeesNoActionButtonsAndItsPostIsRefused() throws Exception {
    createJob("ui-read-only", "noop", "{}", "{\"cron\":\"0 0 5 * * *\"}");
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn(READER_KEY);
    assertThat(text(By.cssSelector("header .who"))).contains("dashboard").contains("READ-ONLY");
    assertThat(browser.findElements(By.linkText("Credentials"))).isEmpty();

    browser.get(kairos.base + "/ui/jobs");
    assertThat(text(By.id("job-ui-read-only"))).contains("SCHEDULED");
    assertThat(browser.findElements(By.id("bulk-actions"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("input[name=ids]"))).isEmpty();
    screenshot("jobs-read-only");
    browser.get(kairos.base + "/ui/jobs/ui-read-only");
    assertThat(browser.findElements(By.id("job-actions"))).isEmpty();
    assertThat(browser.findElements(By.tagName("button")))
        .extracting(WebElement::getText)
        // The header's search and signing out: nothing that changes a job.
        .containsExactly("Find", "Sign out");
    browser.get(kairos.base + "/ui/dead-jobs");
    assertThat(browser.findElements(By.id("dead-actions"))).isEmpty();

    // The same session posting the action anyway, with its valid form token: 403.
    browser.get(kairos.base + "/ui/jobs");
    ((JavascriptExecutor) browser)
        .executeScript(
            "var f = document.createElement('form'); f.method = 'post';"
                + " f.action = '/ui/jobs/actions';"
                + " [['_csrf', document.querySelector('input[name=_csrf]').value],"
                + "  ['action', 'cancel'], ['ids', 'ui-read-only'], ['confirm', 'yes']]"
                + ".forEach(function (p) { var i = document.createElement('input');"
                + " i.type = 'hidden'; i.name = p[0]; i.value = p[1]; f.appendChild(i); });"
                + " document.body.appendChild(f); f.submit();");
    waitFor(ExpectedConditions.presenceOfElementLocated(By.id("error-message")));
    assertThat(browser.getTitle()).startsWith("Not allowed");
    assertThat(text(By.id("error-message"))).contains("jobs:write");
    assertThat(kairos.state("ui-read-only")).isEqualTo("SCHEDULED");
  }

  /** Over plain HTTP: a signed-in session posting a form without the token it was given. */
  @Test
  void aFormPostedWithoutItsCsrfTokenIsRefused() throws Exception {
    createJob("ui-csrf", "noop", "{}", "{\"cron\":\"0 0 6 * * *\"}");
    HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String signInPage = http.send(get("/ui/sign-in"), HttpResponse.BodyHandlers.ofString()).body();
    HttpResponse<String> signedIn =
        http.send(
            form("/ui/sign-in", "_csrf=" + token(signInPage) + "&key=" + OPERATOR_KEY),
            HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(302);
    String jobsPage = http.send(get("/ui/jobs"), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(jobsPage).contains("ui-csrf");

    HttpResponse<String> refused =
        http.send(
            form("/ui/jobs/actions", "action=cancel&ids=ui-csrf&confirm=yes"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("did not come from this dashboard");
    assertThat(kairos.state("ui-csrf")).isEqualTo("SCHEDULED");

    // The same form with the token is carried out: the refusal was the token's doing.
    HttpResponse<String> done =
        http.send(
            form(
                "/ui/jobs/actions",
                "_csrf=" + token(jobsPage) + "&action=cancel&ids=ui-csrf&confirm=yes"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(done.statusCode()).isEqualTo(302);
    assertThat(kairos.state("ui-csrf")).isEqualTo("CANCELLED");
  }

  private static WebDriver newBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-US");
    // The driver is given explicitly, so Selenium Manager has nothing to look up or download.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withEnvironment(Map.of("TZ", BROWSER_ZONE))
            .build();
    return new ChromeDriver(service, options);
  }

  private void signIn(String key) {
    waitFor(ExpectedConditions.presenceOfElementLocated(By.id("key")));
    browser.findElement(By.id("key")).sendKeys(key);
    browser.findElement(By.id("sign-in")).click();
    waitFor(ExpectedConditions.presenceOfElementLocated(By.id("sign-out")));
    assertThat(browser.getCurrentUrl()).doesNotContain(key);
  }

  private void waitFor(java.util.function.Function<WebDriver, ?> condition) {
    // Live parts are swapped every refresh: an element found just before may be gone when read.
    new WebDriverWait(browser, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  private String text(By by) {
    for (int tries = 1; ; tries++) {
      try {
        return browser.findElement(by).getText();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (tries == 5) {
          throw e; // replaced by a live refresh each time it was read
        }
      }
    }
  }

  private void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }

  private static void createJob(String id, String type, String payload, String schedule)
      throws Exception {
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\""
                + type
                + "\",\"id\":\""
                + id
                + "\",\"maxAttempts\":1,\"payload\":"
                + payload
                + (schedule == null ? "" : ",\"schedule\":" + schedule)
                + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(kairos.base + path)).GET().build();
  }

  private static HttpRequest form(String path, String body) {
    return HttpRequest.newBuilder(URI.create(kairos.base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String token(String page) {
    Matcher matcher = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(matcher.find()).as("a form token in the page").isTrue();
    return matcher.group(1);
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
