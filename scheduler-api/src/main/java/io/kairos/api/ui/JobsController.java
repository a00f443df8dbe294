package io.kairos.api.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.ChangeJobRequest;
import io.kairos.api.job.JobAccess;
import io.kairos.api.job.JobResponse;
import io.kairos.api.job.JobService;
import io.kairos.api.job.Page;
import io.kairos.api.job.RunResponse;
import io.kairos.api.job.ScheduleRequest;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobState;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Jobs: the filtered list (keyset pages, as {@code GET /api/v1/jobs}), one job with its schedule,
 * payload and runs, and the actions. Everything goes through the REST API's {@link JobService}, so
 * the pages and REST v1 validate, read and change jobs the same way.
 */
@Controller
class JobsController {

  static final int PAGE = 50;
  static final int RUNS_PAGE = 25;
  static final int FIRE_TIMES = 5;

  private final JobService jobs;
  private final JobCatalogue catalogue;
  private final ObjectMapper json;
  private final JobAccess access;

  JobsController(JobService jobs, JobCatalogue catalogue, ObjectMapper json, JobAccess access) {
    this.jobs = jobs;
    this.catalogue = catalogue;
    this.json = json;
    this.access = access;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/jobs")
  String list(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String group,
      @RequestParam(required = false) String prefix,
      @RequestParam(required = false, defaultValue = "false") boolean stale,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String tz,
      Model model) {
    Filter filter =
        new Filter(blank(state), blank(type), blank(group), blank(prefix), stale, blank(tz));
    Page<JobResponse> page =
        jobs.list(
            filter.type(),
            filter.group(),
            state(filter.state()),
            filter.prefix(),
            filter.stale(),
            blank(cursor),
            PAGE);
    model.addAttribute("filter", filter);
    model.addAttribute("page", page);
    model.addAttribute("states", Arrays.stream(JobState.values()).map(Enum::name).toList());
    model.addAttribute("types", catalogue.types().stream().map(t -> t.name()).toList());
    model.addAttribute("here", filter.link(blank(cursor)));
    model.addAttribute("first", blank(cursor) == null ? null : filter.link(null));
    model.addAttribute("next", page.nextCursor() == null ? null : filter.link(page.nextCursor()));
    return "ui/jobs";
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/jobs/actions")
  String act(
      @RequestParam(required = false) String action,
      @RequestParam(required = false) List<String> ids,
      @RequestParam(required = false) String confirm,
      @RequestParam(required = false) String back,
      Principal caller,
      RedirectAttributes redirect) {
    ApiPrincipal principal = ApiPrincipal.of(caller);
    Function<String, String> apply = action(action, principal);
    redirect.addFlashAttribute(
        "results",
        ActionResult.applyEach(
            ids,
            confirm,
            verb(action) + " jobs",
            chosen -> access.requireAllowed(chosen, principal, verb(action)),
            apply));
    return "redirect:" + ActionResult.back(back, "/ui/jobs");
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/jobs/{id}")
  String job(
      @PathVariable String id,
      @RequestParam(required = false) String runs,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String tz,
      Model model) {
    JobResponse job = jobs.get(id);
    // Newest first unless asked otherwise: a job running every second shows what it did last.
    JobService.RunOrder runOrder =
        blank(order) == null ? JobService.RunOrder.NEWEST : JobService.RunOrder.of(order);
    String oldest = runOrder == JobService.RunOrder.OLDEST ? "oldest" : null;
    Page<RunResponse> page = jobs.runs(id, runOrder, blank(runs), RUNS_PAGE);
    UiFormat fmt = (UiFormat) model.getAttribute("fmt");
    ZoneId jobZone = FireTimes.zoneOf(job.schedule());
    List<FireTime> fireTimes =
        FireTimes.next(job.schedule(), job.nextRunAt(), FIRE_TIMES).stream()
            .map(t -> new FireTime(fmt.timeIn(t, jobZone), fmt.time(t), fmt.ago(t)))
            .toList();
    model.addAttribute("job", job);
    model.addAttribute("schedule", FireTimes.describe(job.schedule()));
    model.addAttribute("jobZone", jobZone.getId());
    model.addAttribute("fireTimes", fireTimes);
    model.addAttribute("payload", pretty(job));
    model.addAttribute("runs", RunRow.of(page.items(), fmt));
    model.addAttribute("runsNewestFirst", oldest == null);
    model.addAttribute(
        "otherRunOrder", jobLink(id, blank(tz), null, oldest == null ? "oldest" : "newest"));
    model.addAttribute(
        "nextRuns",
        page.nextCursor() == null ? null : jobLink(id, blank(tz), page.nextCursor(), oldest));
    model.addAttribute(
        "firstRuns", blank(runs) == null ? null : jobLink(id, blank(tz), null, oldest));
    model.addAttribute("here", jobLink(id, blank(tz), blank(runs), oldest));
    model.addAttribute("edit", ScheduleForm.of(job));
    return "ui/job";
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/jobs/{id}/actions")
  String actOnOne(
      @PathVariable String id,
      @RequestParam(required = false) String action,
      @RequestParam(required = false) String confirm,
      @RequestParam(required = false) String tz,
      Principal caller,
      RedirectAttributes redirect) {
    Function<String, String> apply = action(action, ApiPrincipal.of(caller));
    redirect.addFlashAttribute(
        "results", ActionResult.applyEach(List.of(id), confirm, verb(action) + " the job", apply));
    return "redirect:" + jobLink(id, blank(tz), null);
  }

  /**
   * A new schedule, validated as {@code PATCH /api/v1/jobs/{id}} validates it (400 naming it),
   * keeping the overlap, catch-up and jitter settings the form does not show.
   */
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/jobs/{id}/schedule")
  String reschedule(
      @PathVariable String id,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String at,
      @RequestParam(required = false) String cron,
      @RequestParam(required = false) String every,
      @RequestParam(required = false) String timeZone,
      @RequestParam(required = false) String confirm,
      @RequestParam(required = false) String tz,
      Principal caller,
      RedirectAttributes redirect) {
    if (!"yes".equals(confirm)) {
      throw new InvalidJobException(
          "confirm", "tick 'confirm' to change the schedule; nothing was changed");
    }
    String zone = blank(timeZone);
    String given =
        switch (kind == null ? "" : kind) {
          case "at" -> required("at", at);
          case "cron" -> required("cron", cron);
          case "every" -> required("every", every);
          default -> throw new InvalidJobException("kind", "choose at, cron or every");
        };
    // Changed only as read, so the settings kept are the job's, not those of a version before.
    JobService.Versioned read = jobs.read(id);
    ScheduleRequest schedule =
        JobEditController.keepingPolicy(
            read.job().schedule(),
            kind,
            kind.equals("at") ? given : null,
            kind.equals("cron") ? given : null,
            kind.equals("every") ? given : null,
            kind.equals("every") ? null : zone);
    JobResponse changed =
        jobs.change(
                id,
                new ChangeJobRequest(schedule, null, null),
                read.version(),
                ApiPrincipal.of(caller))
            .job();
    redirect.addFlashAttribute(
        "results",
        List.of(
            new ActionResult(
                id,
                true,
                "schedule changed to "
                    + FireTimes.describe(changed.schedule())
                    + "; next run at "
                    + changed.nextRunAt())));
    return "redirect:" + jobLink(id, blank(tz), null);
  }

  private Function<String, String> action(String action, ApiPrincipal caller) {
    return switch (action == null ? "" : action) {
      case "run" -> id -> "runs now (due " + jobs.runNow(id, caller).nextRunAt() + ")";
      case "pause" -> id -> "paused (" + jobs.pause(id, caller).state() + ")";
      case "resume" ->
          id -> {
            JobResponse job = jobs.resume(id, caller);
            return "resumed (" + job.state() + ", next run " + job.nextRunAt() + ")";
          };
      case "cancel" -> id -> "cancelled (" + jobs.cancel(id, caller).state() + ")";
      case "stop" ->
          id ->
              "running attempt asked to stop at "
                  + jobs.cancelAttempt(id, caller).runningAttempt().cancelRequestedAt();
      default ->
          throw new InvalidJobException("action", "choose run, pause, resume, cancel or stop");
    };
  }

  private static String verb(String action) {
    if ("stop".equals(action)) {
      return "stop the running attempt of";
    }
    return "run".equals(action) ? "run now" : action;
  }

  private String pretty(JobResponse job) {
    try {
      return json.writerWithDefaultPrettyPrinter()
          .writeValueAsString(PayloadRedactor.redact(job.payload()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String jobLink(String id, String tz, String runsCursor) {
    return jobLink(id, tz, runsCursor, null);
  }

  static String jobLink(String id, String tz, String runsCursor, String order) {
    return UriComponentsBuilder.fromPath("/ui/jobs/{id}")
        .queryParamIfPresent("order", java.util.Optional.ofNullable(order))
        .queryParamIfPresent("runs", java.util.Optional.ofNullable(runsCursor))
        .queryParamIfPresent("tz", java.util.Optional.ofNullable(tz))
        .encode()
        .buildAndExpand(id)
        .toUriString();
  }

  private static JobState state(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JobState.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(
          "state", "must be one of " + Arrays.toString(JobState.values()));
    }
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidJobException(field, "is required for this kind of schedule");
    }
    return value.strip();
  }

  static String blank(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** The list's filter as the form shows it, and links that keep it. */
  record Filter(String state, String type, String group, String prefix, boolean stale, String tz) {

    String link(String cursor) {
      UriComponentsBuilder link = UriComponentsBuilder.fromPath("/ui/jobs");
      add(link, "state", state);
      add(link, "type", type);
      add(link, "group", group);
      add(link, "prefix", prefix);
      if (stale) {
        link.queryParam("stale", "true");
      }
      add(link, "cursor", cursor);
      add(link, "tz", tz);
      return link.encode().build().toUriString();
    }

    private static void add(UriComponentsBuilder link, String name, String value) {
      if (value != null) {
        link.queryParam(name, value);
      }
    }
  }

  /** A coming fire time in the job's zone and the viewer's. */
  record FireTime(String inJobZone, String inViewerZone, String relative) {}

  /** One attempt on the timeline; {@code bar} is its duration's share of the longest shown. */
  record RunRow(RunResponse run, String started, String took, String bar) {

    static final int BAR = 120;

    static List<RunRow> of(List<RunResponse> runs, UiFormat fmt) {
      long longest = 1;
      for (RunResponse run : runs) {
        longest = Math.max(longest, millis(run, fmt.now()));
      }
      List<RunRow> rows = new ArrayList<>();
      for (RunResponse run : runs) {
        long width = Math.max(2, Math.round((double) BAR * millis(run, fmt.now()) / longest));
        rows.add(
            new RunRow(
                run,
                fmt.time(run.startedAt()),
                fmt.took(run.startedAt(), run.finishedAt()),
                Long.toString(width)));
      }
      return rows;
    }

    private static long millis(RunResponse run, Instant now) {
      if (run.startedAt() == null) {
        return 0;
      }
      Instant end = run.finishedAt() == null ? now : run.finishedAt();
      return Math.max(0, Duration.between(run.startedAt(), end).toMillis());
    }
  }

  /** The edit-schedule form, filled in with the job's schedule. */
  record ScheduleForm(String kind, String at, String cron, String every, String timeZone) {

    static ScheduleForm of(JobResponse job) {
      return of(job.schedule());
    }

    static ScheduleForm of(io.kairos.api.job.ScheduleResponse s) {
      if (s == null) {
        return new ScheduleForm("at", "", "", "", "");
      }
      String zone = s.timeZone() == null ? "" : s.timeZone();
      if (s.cron() != null) {
        return new ScheduleForm("cron", "", s.cron(), "", zone);
      }
      if (s.every() != null) {
        return new ScheduleForm("every", "", "", s.every(), "");
      }
      return new ScheduleForm(
          "at", s.at() == null ? "" : s.at().toString(), "", "", s.daily() == null ? "" : zone);
    }
  }
}
