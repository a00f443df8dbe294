package io.kairos.standalone;

import static io.kairos.standalone.KairosUnderTest.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.kairos.testing.KairosFixture;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The dashboard as an operator's console, in headless Chromium: every page checked by axe-core
 * (Deque's, on Maven Central) at desktop size and as a 390×844 phone, failing on any serious or
 * critical violation; no page scrolls sideways on the phone; runs newest first with pages; the
 * failover timeline read off its picture; the header's search. Phone screenshots are saved under
 * {@code target/ui-screenshots/phone-*.png} (the README's come from there).
 */
class UiConsoleBrowserTests {

  static final Path SCREENSHOTS = UiBrowserTests.SCREENSHOTS;
  static final Duration WAIT = Duration.ofSeconds(30);
  static final Set<String> BLOCKING = Set.of("serious", "critical");

  static KairosUnderTest kairos;

  ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    if (!UiBrowserTests.BROWSER_INSTALLED) {
      System.out.println(UiBrowserTests.SKIPPED);
      return;
    }
    Files.createDirectories(SCREENSHOTS);
    kairos =
        KairosUnderTest.start(
            List.of(
                "--kairos.encryption.key=" + KairosFixture.ENCRYPTION_KEY,
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=1"),
            List.of(
                "--kairos.encryption.key=" + KairosFixture.ENCRYPTION_KEY,
                "--kairos.webhook.allow-private-networks=true",
                "--kairos.webhook.allowed-ports=1"));
  }

  @AfterAll
  static void stop() {
    if (kairos != null) {
      kairos.close();
    }
  }

  @BeforeEach
  void browserInstalled() {
    Assumptions.assumeTrue(UiBrowserTests.BROWSER_INSTALLED, UiBrowserTests.SKIPPED);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void everyPagePassesAxeAtDesktopAndPhoneSizeAndNoneScrollsSidewaysOnAPhone() throws Exception {
    createJob(
        "ui-a11y-a-rather-long-job-identifier-that-must-wrap-on-a-phone-0001",
        "noop",
        "{}",
        "{\"cron\":\"0 0 3 * * *\"}");
    createJob("ui-a11y-beat", "noop", "{}", "{\"every\":\"PT1S\"}");
    createJob("ui-a11y-dead", "webhook", "{\"url\":\"http://127.0.0.1:1/nothing-listens\"}", null);
    plantFailover("ui-a11y-failover");
    awaitRuns("ui-a11y-beat", 3);
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> kairos.state("ui-a11y-dead").equals("DEAD"));

    List<String> pages =
        List.of(
            "/ui/",
            "/ui/jobs",
            "/ui/jobs/ui-a11y-beat",
            "/ui/jobs/ui-a11y-a-rather-long-job-identifier-that-must-wrap-on-a-phone-0001",
            "/ui/dead-jobs",
            "/ui/nodes",
            "/ui/timeline",
            "/ui/job-types",
            "/ui/credentials",
            "/ui/jobs/no-such-job");
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    List<String> problems = new ArrayList<>(axe("sign-in, desktop"));
    signIn();
    long started = System.nanoTime();
    for (String page : pages) {
      open(page);
      problems.addAll(axe(page + ", desktop"));
    }
    System.out.printf(
        "axe on %d pages at desktop size: %d ms%n",
        pages.size(), (System.nanoTime() - started) / 1_000_000);

    phone(browser, 390, 844);
    for (String page : pages) {
      open(page);
      problems.addAll(axe(page + ", phone"));
      assertThat(sidewaysOverflow()).as("%s scrolls sideways at 390 px", page).isZero();
      screenshot("phone-" + name(page));
    }
    // The narrowest phones too: nothing wider than the screen.
    phone(browser, 320, 640);
    for (String page : pages) {
      open(page);
      assertThat(sidewaysOverflow()).as("%s scrolls sideways at 320 px", page).isZero();
    }
    assertThat(problems).as("serious or critical axe-core violations").isEmpty();
  }

  @Test
  void onAPhoneTheChartLabelsStayReadableAndTapTargetsAreAtLeast24Px() throws Exception {
    browser = newBrowser();
    phone(browser, 390, 844);
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/");
    WebElement narrow = browser.findElement(By.id("executions-chart-narrow"));
    assertThat(narrow.isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("executions-chart")).isDisplayed()).isFalse();
    for (WebElement label : narrow.findElements(By.cssSelector("text"))) {
      assertThat(label.getRect().getHeight()).as("chart label height").isGreaterThanOrEqualTo(10);
    }
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", narrow);
    screenshot("phone-overview-chart");
    open("/ui/jobs?prefix=ui-");
    List<String> small = new ArrayList<>();
    for (WebElement target :
        browser.findElements(
            By.cssSelector("main button, main input[type=checkbox], main select, header button"))) {
      if (target.isDisplayed()
          && (target.getRect().getHeight() < 24 || target.getRect().getWidth() < 24)) {
        small.add(target.getAttribute("outerHTML"));
      }
    }
    assertThat(small).as("tap targets smaller than 24 px").isEmpty();
  }

  @Test
  void keyboardUsersSkipToTheContentAndSeeKairossOwnFocusRing() throws Exception {
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/jobs");
    browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement skip = browser.switchTo().activeElement();
    assertThat(skip.getText()).isEqualTo("Skip to content");
    assertThat(skip.getCssValue("outline-style")).isEqualTo("solid");
    assertThat(skip.getCssValue("outline-color")).isEqualTo("rgba(255, 176, 32, 1)");
    skip.sendKeys(Keys.ENTER);
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
  }

  @Test
  void aJobsRunsAreListedNewestFirstInPagesAndTheOldOrderStaysAvailable() throws Exception {
    createJob("ui-runs-order", "noop", "{}", "{\"cron\":\"0 0 4 * * *\"}");
    JdbcTemplate sql = new JdbcTemplate(kairos.db.dataSource());
    for (int attempt = 1; attempt <= 30; attempt++) {
      sql.update(
          "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
              + " finished_at, node, attempt, outcome) values (?, 'noop', now(), now() -"
              + " make_interval(mins => ?), now() - make_interval(mins => ?), ?, ?,"
              + " 'SUCCEEDED')",
          "ui-runs-order",
          100 - attempt,
          100 - attempt,
          KairosUnderTest.WORKER,
          attempt);
    }
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/jobs/ui-runs-order");
    assertThat(text(By.id("runs-order"))).isEqualTo("(newest first)");
    List<WebElement> runs = browser.findElements(By.cssSelector("#runs li"));
    assertThat(runs).hasSize(25);
    assertThat(runs.get(0).getText()).contains("attempt 30 on");
    follow("next-runs");
    runs = browser.findElements(By.cssSelector("#runs li"));
    assertThat(runs).extracting(WebElement::getText).hasSize(5);
    assertThat(runs.get(0).getText()).contains("attempt 5 on");
    assertThat(runs.get(4).getText()).contains("attempt 1 on");
    follow("other-run-order");
    assertThat(text(By.id("runs-order"))).isEqualTo("(oldest first)");
    assertThat(text(By.cssSelector("#runs li"))).contains("attempt 1 on");

    // REST: the same, with an order parameter; oldest first stays the default.
    var newest = kairos.json.readTree(get("/api/v1/jobs/ui-runs-order/runs?order=newest&limit=2"));
    assertThat(newest.get("items").get(0).get("attempt").asInt()).isEqualTo(30);
    var more =
        kairos.json.readTree(
            get(
                "/api/v1/jobs/ui-runs-order/runs?order=newest&limit=2&cursor="
                    + newest.get("nextCursor").asText()));
    assertThat(more.get("items").get(0).get("attempt").asInt()).isEqualTo(28);
    var oldest = kairos.json.readTree(get("/api/v1/jobs/ui-runs-order/runs?limit=2"));
    assertThat(oldest.get("items").get(0).get("attempt").asInt()).isEqualTo(1);
    HttpResponse<String> bad =
        kairos.send("GET", "/api/v1/jobs/ui-runs-order/runs?order=sideways", null, OPERATOR_KEY);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"order\"");
  }

  @Test
  void theTimelineShowsAWorkersDeathAndTheRecoveredAttemptOnAnotherNode() throws Exception {
    plantFailover("ui-failover");
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/timeline");
    WebElement deadLane = browser.findElement(By.id("lane-e2e-dead-worker"));
    assertThat(deadLane.findElement(By.cssSelector(".death-mark")).getText())
        .isEqualTo("✕ e2e-dead-worker died");
    WebElement died =
        deadLane.findElement(By.cssSelector("a.attempt.o-WORKER_DIED[href*='ui-failover']"));
    assertThat(died.getAttribute("aria-label"))
        .startsWith("ui-failover, attempt 1 on e2e-dead-worker: WORKER_DIED");
    WebElement recovered =
        browser
            .findElement(By.id("lane-" + KairosUnderTest.WORKER))
            .findElement(By.cssSelector("a.attempt.recovered[href*='ui-failover']"));
    assertThat(recovered.getAttribute("aria-label"))
        .startsWith("ui-failover, attempt 2 on " + KairosUnderTest.WORKER + ": SUCCEEDED")
        .contains("recovered");
    assertThat(browser.findElements(By.cssSelector("#timeline path.handover"))).isNotEmpty();
    assertThat(text(By.id("failovers")))
        .contains("ui-failover")
        .contains("attempt 1 on e2e-dead-worker")
        .contains("re-run as attempt 2 on " + KairosUnderTest.WORKER);
    screenshot("timeline");
    // Each attempt links to its job.
    ((JavascriptExecutor) browser)
        .executeScript(
            "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", recovered);
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/ui/jobs/ui-failover"));
    assertThat(text(By.id("job-id"))).isEqualTo("ui-failover");
  }

  @Test
  void theHeaderSearchOpensAnExactIdAndListsAPrefix() throws Exception {
    createJob("ui-find-alpha", "noop", "{}", "{\"cron\":\"0 0 5 * * *\"}");
    createJob("ui-find-beta", "noop", "{}", "{\"cron\":\"0 0 5 * * *\"}");
    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/nodes");
    browser.findElement(By.id("find")).sendKeys("ui-find-beta", Keys.ENTER);
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/ui/jobs/ui-find-beta"));
    assertThat(text(By.id("job-id"))).isEqualTo("ui-find-beta");
    browser.findElement(By.id("find")).sendKeys("ui-find-", Keys.ENTER);
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("prefix=ui-find-"));
    assertThat(browser.findElements(By.cssSelector("#jobs-rows tr")))
        .extracting(WebElement::getText)
        .hasSize(2);
    browser.findElement(By.id("find")).sendKeys("not an id!", Keys.ENTER);
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("error-message")));
    assertThat(text(By.id("error-message"))).startsWith("q: ");
  }

  @Test
  void aJobCreatedFromTheFormIsRefusedAsTheApiRefusesItWithTheSameFieldNames() throws Exception {
    HttpResponse<String> api =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"webhook\",\"id\":\"ui-form-hook\",\"maxAttempts\":0,"
                + "\"payload\":{\"method\":\"GET\",\"url\":\"ftp://example.com/x\","
                + "\"timeout\":\"PT10M\"}}");
    assertThat(api.statusCode()).isEqualTo(400);
    List<String> apiFields = new ArrayList<>();
    kairos
        .json
        .readTree(api.body())
        .get("errors")
        .forEach(e -> apiFields.add(e.get("field").asText()));
    assertThat(apiFields).isNotEmpty();

    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/jobs");
    follow("new-job");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("choose-type-select")))
        .selectByValue("webhook");
    browser.findElement(By.id("choose-type-submit")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    // Generated from the type's JSON Schema: one input per payload property, named as the API.
    assertThat(browser.findElements(By.cssSelector("#job-form [name^='payload.']")))
        .extracting(e -> e.getAttribute("name"))
        .contains("payload.method", "payload.url", "payload.headers", "payload.timeout");
    browser.findElement(By.id("field-payload-method")).sendKeys("GET");
    browser.findElement(By.id("field-payload-url")).sendKeys("ftp://example.com/x");
    browser.findElement(By.id("field-payload-timeout")).sendKeys("PT10M");
    browser.findElement(By.id("field-id")).sendKeys("ui-form-hook");
    browser.findElement(By.id("field-maxAttempts")).sendKeys("0");
    browser.findElement(By.id("create-job")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("form-problems")));
    assertThat(browser.findElements(By.cssSelector("#form-problems code")))
        .extracting(WebElement::getText)
        .containsExactlyElementsOf(apiFields);
    assertThat(kairos.send("GET", "/api/v1/jobs/ui-form-hook", null, OPERATOR_KEY).statusCode())
        .isEqualTo(404);
    // The values stay; the offending fields are marked.
    assertThat(browser.findElement(By.id("field-payload-url")).getAttribute("value"))
        .isEqualTo("ftp://example.com/x");
    assertThat(axe("/ui/jobs/new with problems")).isEmpty();
    screenshot("job-new-refused");

    // Put right, it is created and shown.
    browser.findElement(By.id("field-payload-url")).clear();
    browser.findElement(By.id("field-payload-url")).sendKeys("https://example.com/hook");
    browser.findElement(By.id("field-payload-timeout")).clear();
    browser.findElement(By.id("field-payload-timeout")).sendKeys("PT10S");
    browser.findElement(By.id("field-maxAttempts")).clear();
    browser.findElement(By.id("field-maxAttempts")).sendKeys("2");
    browser.findElement(By.id("kind-cron")).click();
    browser.findElement(By.id("field-schedule-cron")).sendKeys("0 0 2 * * *");
    browser.findElement(By.id("create-job")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/ui/jobs/ui-form-hook"));
    assertThat(text(By.cssSelector(".results"))).contains("ui-form-hook").contains("created");
    var job = kairos.job("ui-form-hook");
    assertThat(job.get("maxAttempts").asInt()).isEqualTo(2);
    assertThat(job.get("payload").get("url").asText()).isEqualTo("https://example.com/hook");
    assertThat(job.get("createdBy").asText()).isEqualTo("operator");
  }

  @Test
  void aJobEditedFromTheDashboardChangesOnlyWhatTheFormChangedAndNeverShowsItsSecret()
      throws Exception {
    String secret = "Bearer ui-edit-s3cret-7f3a";
    HttpResponse<String> created =
        kairos.post(
            "/api/v1/jobs",
            "{\"type\":\"webhook\",\"id\":\"ui-edit-hook\",\"maxAttempts\":2,"
                + "\"misfireGrace\":\"PT7M\","
                + "\"notify\":[{\"email\":\"ops@example.com\",\"events\":[\"DEAD\"]}],"
                + "\"schedule\":{\"cron\":\"0 0 4 1 1 *\"},"
                + "\"payload\":{\"method\":\"POST\",\"url\":\"https://example.com/hook\","
                + "\"headers\":{\"Authorization\":\""
                + secret
                + "\"},\"timeout\":\"PT10S\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JdbcTemplate sql = new JdbcTemplate(kairos.db.dataSource());
    String sealedBefore = storedHeaders(sql);
    String notifyBefore =
        sql.queryForObject(
            "select notify::text from kairos.kairos_job where id = 'ui-edit-hook'", String.class);
    assertThat(sealedBefore).doesNotContain("s3cret").contains("sealed");

    // The field names PATCH gives for a bad url: the form must give the same.
    HttpResponse<String> refused =
        kairos.patch(
            "/api/v1/jobs/ui-edit-hook", "{\"payload\":{\"url\":\"ftp://example.com/x\"}}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    List<String> apiFields = problemFields(refused.body());
    assertThat(apiFields).containsExactly("payload.url");

    browser = newBrowser();
    browser.get(kairos.base + "/ui/sign-in");
    signIn();
    open("/ui/jobs/ui-edit-hook");
    follow("edit-job");
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    assertThat(browser.getPageSource()).doesNotContain("s3cret").doesNotContain("Bearer");
    assertThat(browser.findElement(By.id("field-payload-headers")).getAttribute("value")).isEmpty();
    assertThat(browser.findElement(By.id("field-payload-url")).getAttribute("value"))
        .isEqualTo("https://example.com/hook");
    assertThat(browser.findElement(By.id("field-payload-timeout")).getAttribute("value"))
        .isEqualTo("PT10S");
    assertThat(browser.findElement(By.id("field-schedule-cron")).getAttribute("value"))
        .isEqualTo("0 0 4 1 1 *");
    List<String> problems = new ArrayList<>(axe("/ui/jobs/ui-edit-hook/edit, desktop"));
    phone(browser, 390, 844);
    problems.addAll(axe("/ui/jobs/ui-edit-hook/edit, phone"));
    assertThat(sidewaysOverflow()).as("the edit form scrolls sideways at 390 px").isZero();
    screenshot("phone-job-edit");
    browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    assertThat(problems).as("serious or critical axe-core violations").isEmpty();

    // A bad value, with a new secret typed: refused as PATCH refuses it, nothing changed, and
    // the typed secret is not sent back either.
    WebElement url = browser.findElement(By.id("field-payload-url"));
    url.clear();
    url.sendKeys("ftp://example.com/x");
    browser
        .findElement(By.id("field-payload-headers"))
        .sendKeys("{\"Authorization\": \"Bearer typed-new-s3cret\"}");
    browser.findElement(By.id("save-job")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("form-problems")));
    assertThat(browser.findElements(By.cssSelector("#form-problems code")))
        .extracting(WebElement::getText)
        .containsExactlyElementsOf(apiFields);
    assertThat(browser.findElement(By.id("field-payload-url-error")).getText()).isNotBlank();
    assertThat(browser.getPageSource()).doesNotContain("s3cret");
    assertThat(axe("/ui/jobs/ui-edit-hook/edit with problems")).isEmpty();
    var unchanged = kairos.job("ui-edit-hook");
    assertThat(unchanged.get("payload").get("url").asText()).isEqualTo("https://example.com/hook");
    assertThat(storedHeaders(sql)).isEqualTo(sealedBefore);

    // Put right, the timeout changed and the secret left empty: only the timeout changes.
    url = browser.findElement(By.id("field-payload-url"));
    url.clear();
    url.sendKeys("https://example.com/hook");
    WebElement timeout = browser.findElement(By.id("field-payload-timeout"));
    timeout.clear();
    timeout.sendKeys("PT20S");
    browser.findElement(By.id("save-job")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".results")));
    assertThat(text(By.cssSelector(".results"))).contains("ui-edit-hook").contains("changed");
    var job = kairos.job("ui-edit-hook");
    assertThat(job.get("payload").get("timeout").asText()).isEqualTo("PT20S");
    assertThat(job.get("payload").get("url").asText()).isEqualTo("https://example.com/hook");
    assertThat(job.get("payload").get("method").asText()).isEqualTo("POST");
    assertThat(job.get("payload").get("headers").get("Authorization").asText()).isEqualTo("***");
    assertThat(job.get("misfireGrace").asText()).isEqualTo("PT7M");
    assertThat(job.get("maxAttempts").asInt()).isEqualTo(2);
    assertThat(job.get("schedule").get("cron").asText()).isEqualTo("0 0 4 1 1 *");
    assertThat(storedHeaders(sql)).isEqualTo(sealedBefore);
    assertThat(
            sql.queryForObject(
                "select notify::text from kairos.kairos_job where id = 'ui-edit-hook'",
                String.class))
        .isEqualTo(notifyBefore);

    // In the audit trail as a PATCH is, by the dashboard session; no payload value in it.
    var audit =
        kairos.json.readTree(get("/api/v1/audit?target=ui-edit-hook&action=job.change&limit=10"));
    assertThat(audit.get("items")).hasSize(1);
    var entry = audit.get("items").get(0);
    assertThat(entry.get("channel").asText()).isEqualTo("DASHBOARD");
    assertThat(entry.get("session").asText()).isNotBlank();
    assertThat(entry.get("after").get("payloadChanged").toString()).isEqualTo("[\"timeout\"]");
    assertThat(audit.toString()).doesNotContain("s3cret").doesNotContain("PT20S");

    // Changed through the API while the form is open: the form says so and overwrites nothing.
    follow("edit-job");
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    HttpResponse<String> meanwhile = kairos.patch("/api/v1/jobs/ui-edit-hook", "{\"priority\":7}");
    assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(200);
    timeout = browser.findElement(By.id("field-payload-timeout"));
    timeout.clear();
    timeout.sendKeys("PT30S");
    browser.findElement(By.id("save-job")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("form-conflict")));
    assertThat(text(By.id("form-conflict"))).contains("changed since this form was opened");
    job = kairos.job("ui-edit-hook");
    assertThat(job.get("payload").get("timeout").asText()).isEqualTo("PT20S");
    assertThat(job.get("priority").asInt()).isEqualTo(7);
  }

  @Test
  void aReadOnlySessionHasNoEditLinkAndItsEditFormIs403() throws Exception {
    createJob("ui-edit-read-only", "noop", "{}", "{\"cron\":\"0 0 5 * * *\"}");
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .cookieHandler(new java.net.CookieManager())
            .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
            .build();
    String signInPage = http.send(page("/ui/sign-in"), HttpResponse.BodyHandlers.ofString()).body();
    HttpResponse<String> signedIn =
        http.send(
            posted(
                "/ui/sign-in",
                "_csrf=" + csrfOf(signInPage) + "&key=" + KairosUnderTest.READER_KEY),
            HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(302);
    HttpResponse<String> jobPage =
        http.send(page("/ui/jobs/ui-edit-read-only"), HttpResponse.BodyHandlers.ofString());
    assertThat(jobPage.statusCode()).isEqualTo(200);
    assertThat(jobPage.body())
        .doesNotContain("id=\"edit-job\"")
        .doesNotContain("/ui/jobs/ui-edit-read-only/edit");
    HttpResponse<String> form =
        http.send(page("/ui/jobs/ui-edit-read-only/edit"), HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(403);
    assertThat(form.body()).doesNotContain("job-form");
    HttpResponse<String> post =
        http.send(
            posted(
                "/ui/jobs/ui-edit-read-only/edit",
                "_csrf=" + csrfOf(jobPage.body()) + "&payload.duration=PT1S&priority=9"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(kairos.job("ui-edit-read-only").get("priority").asInt()).isZero();
  }

  private static String storedHeaders(JdbcTemplate sql) {
    return sql.queryForObject(
        "select (payload->'headers')::text from kairos.kairos_job where id = 'ui-edit-hook'",
        String.class);
  }

  private static List<String> problemFields(String body) throws IOException {
    var problem = kairos.json.readTree(body);
    List<String> fields = new ArrayList<>();
    if (problem.has("errors")) {
      problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
    } else if (problem.has("field")) {
      fields.add(problem.get("field").asText());
    }
    return fields;
  }

  private static java.net.http.HttpRequest page(String path) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(kairos.base + path))
        .GET()
        .build();
  }

  private static java.net.http.HttpRequest posted(String path, String form) {
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(kairos.base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
        .build();
  }

  private static String csrfOf(String html) {
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
    assertThat(token.find()).as("a form token in the page").isTrue();
    return java.net.URLEncoder.encode(token.group(1), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** History as a failover leaves it: a worker's last heartbeat, its attempt, the re-run. */
  static void plantFailover(String jobId) throws Exception {
    createJob(jobId, "noop", "{}", "{\"cron\":\"0 0 1 1 * *\"}");
    JdbcTemplate sql = new JdbcTemplate(kairos.db.dataSource());
    sql.update(
        "insert into kairos.kairos_node (name, host, pid, started_at, last_seen, state) values"
            + " ('e2e-dead-worker', 'gone', 4242, now() - interval '9 minutes', now() - interval"
            + " '3 minutes', 'RUNNING') on conflict do nothing");
    sql.update(
        "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
            + " finished_at, node, attempt, outcome, error) values (?, 'noop', now() - interval"
            + " '4 minutes', now() - interval '4 minutes', now() - interval '150 seconds',"
            + " 'e2e-dead-worker', 1, 'WORKER_DIED', 'worker e2e-dead-worker stopped"
            + " heartbeating; execution revived')",
        jobId);
    sql.update(
        "insert into kairos.kairos_job_run (job_id, job_type, scheduled_for, started_at,"
            + " finished_at, node, attempt, outcome, recovered) values (?, 'noop', now() -"
            + " interval '4 minutes', now() - interval '149 seconds', now() - interval '100"
            + " seconds', ?, 2, 'SUCCEEDED', true)",
        jobId,
        KairosUnderTest.WORKER);
  }

  private List<String> axe(String where) {
    // Legacy mode runs axe in the page itself: the pages have no frames, and the default mode opens
    // a blank window per run to combine frames' results, which costs seconds a page.
    Results results = new AxeBuilder().setLegacyMode(true).disableIframeTesting().analyze(browser);
    List<String> found = new ArrayList<>();
    for (Rule rule : results.getViolations()) {
      if (BLOCKING.contains(rule.getImpact())) {
        found.add(
            where
                + ": "
                + rule.getId()
                + " ("
                + rule.getImpact()
                + ") "
                + rule.getHelp()
                + " at "
                + rule.getNodes().stream()
                    .map(n -> String.valueOf(n.getTarget()))
                    .collect(Collectors.joining(", ")));
      }
    }
    return found;
  }

  /** Follows a link by its address: the page's live refresh may replace the element meanwhile. */
  private void follow(String linkId) {
    open(
        (String)
            ((JavascriptExecutor) browser)
                .executeScript("return document.getElementById(arguments[0]).href", linkId));
  }

  private long sidewaysOverflow() {
    return (Long)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return Math.max(0, document.documentElement.scrollWidth"
                    + " - document.documentElement.clientWidth);");
  }

  private void open(String path) {
    browser.get(path.startsWith("http") ? path : kairos.base + path);
    // The page script first asks for the browser's zone (?tz=); wait for the page it lands on.
    new WebDriverWait(browser, WAIT)
        .until(
            d ->
                ((JavascriptExecutor) d)
                    .executeScript("return document.readyState")
                    .equals("complete"));
  }

  private static void phone(ChromeDriver browser, int width, int height) {
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
  }

  static ChromeDriver newBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(UiBrowserTests.CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(UiBrowserTests.CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withEnvironment(Map.of("TZ", UiBrowserTests.BROWSER_ZONE))
            .build();
    return new ChromeDriver(service, options);
  }

  private void signIn() {
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("key")));
    browser.findElement(By.id("key")).sendKeys(OPERATOR_KEY);
    browser.findElement(By.id("sign-in")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(By.id("sign-out")));
  }

  private String text(By by) {
    return browser.findElement(by).getText();
  }

  private void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }

  private static String name(String page) {
    String name = page.replaceAll("^/ui/?", "").replaceAll("[^A-Za-z0-9]+", "-");
    return name.isEmpty() ? "overview" : name.length() > 40 ? name.substring(0, 40) : name;
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response = kairos.send("GET", path, null, OPERATOR_KEY);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static void awaitRuns(String id, int atLeast) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                kairos
                        .json
                        .readTree(get("/api/v1/jobs/" + id + "/runs?limit=10"))
                        .get("items")
                        .size()
                    >= atLeast);
  }

  static void createJob(String id, String type, String payload, String schedule) throws Exception {
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
}
