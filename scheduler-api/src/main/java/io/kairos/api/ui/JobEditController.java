package io.kairos.api.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.api.job.ChangeJobRequest;
import io.kairos.api.job.JobResponse;
import io.kairos.api.job.JobService;
import io.kairos.api.job.MergePatch;
import io.kairos.api.job.ScheduleRequest;
import io.kairos.api.job.ScheduleResponse;
import io.kairos.api.jobtype.JobTypes;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobChangedMeanwhile;
import io.kairos.job.JobStateConflict;
import io.kairos.job.StaleJobVersion;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Editing a job from the dashboard (keys with {@code jobs:write}): the type's schema form filled in
 * with the job's payload and schedule. What is sent is what {@code PATCH /api/v1/jobs/{id}} takes
 * (a merge patch of the payload, a schedule, priority, attempts), only what the form changed, with
 * the version the form was opened on: the same checks, the same field names in its errors, the same
 * audit entry, and no change over someone else's. Secret values never reach the page: their inputs
 * stay empty, and empty means "keep".
 */
@Controller
class JobEditController {

  private final JobService jobs;
  private final JobTypes types;
  private final JobCatalogue catalogue;
  private final ObjectMapper json;

  JobEditController(JobService jobs, JobTypes types, JobCatalogue catalogue, ObjectMapper json) {
    this.jobs = jobs;
    this.types = types;
    this.catalogue = catalogue;
    this.json = json;
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @GetMapping("/ui/jobs/{id}/edit")
  String form(@PathVariable String id, Model model) {
    JobService.Versioned read = jobs.read(id);
    JsonNode schema = schemaOf(read.job().type());
    return show(read.job(), schema, current(read.job(), schema), read.version(), List.of(), model);
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/jobs/{id}/edit")
  String change(
      @PathVariable String id,
      @RequestParam Map<String, String> form,
      Principal caller,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    JobService.Versioned read = jobs.read(id);
    JobResponse job = read.job();
    JsonNode schema = schemaOf(job.type());
    String opened = JobsController.blank(form.get("version"));
    String tz = JobsController.blank(form.get("tz"));
    try {
      if (opened != null && !opened.equals(read.version())) {
        throw new StaleJobVersion(id, read.version());
      }
      ChangeJobRequest change = changes(job, schema, form);
      if (change == null) {
        redirect.addFlashAttribute(
            "results", List.of(new ActionResult(id, true, "nothing changed, nothing saved")));
        return "redirect:" + JobsController.jobLink(id, tz, null);
      }
      jobs.change(id, change, opened == null ? read.version() : opened, ApiPrincipal.of(caller));
      redirect.addFlashAttribute("results", List.of(new ActionResult(id, true, "changed")));
      return "redirect:" + JobsController.jobLink(id, tz, null);
    } catch (InvalidJobException e) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      return show(job, schema, form, opened, e.problems(), model);
    } catch (StaleJobVersion e) {
      response.setStatus(HttpServletResponse.SC_CONFLICT);
      model.addAttribute(
          "conflict",
          "This job was changed since this form was opened; nothing was saved. Open the form"
              + " again to edit the job as it is now.");
      return show(job, schema, form, opened, List.of(), model);
    } catch (JobStateConflict | JobChangedMeanwhile e) {
      response.setStatus(HttpServletResponse.SC_CONFLICT);
      model.addAttribute("conflict", e.getMessage());
      return show(job, schema, form, opened, List.of(), model);
    }
  }

  /**
   * What the form changes, as a PATCH body; null when it changes nothing. Payload members the form
   * does not show are never named, so they stay as they are.
   */
  private ChangeJobRequest changes(JobResponse job, JsonNode schema, Map<String, String> form) {
    Set<String> withheld = withheld(job, schema);
    JsonNode before = job.payload() == null ? json.createObjectNode() : job.payload();
    // Without withholding: the values as submitted, secrets included, turned into JSON.
    ObjectNode submitted = PayloadForm.of(schema, form).payload(json);
    ObjectNode patch = json.createObjectNode();
    for (PayloadForm.Field field : PayloadForm.of(schema, form).fields()) {
      String property = field.property();
      JsonNode now = before.get(property);
      JsonNode asked = submitted.get(property);
      if (asked == null) {
        // An empty secret keeps its value; an empty field that had one removes it.
        if (!withheld.contains(property) && now != null && !now.isNull()) {
          patch.putNull(property);
        }
      } else if (!MergePatch.same(now, asked)) {
        patch.set(property, MergePatch.between(now, asked));
      }
    }
    ScheduleRequest schedule = schedule(job.schedule(), form);
    Integer priority = changedInteger(form, "priority", job.priority());
    Integer maxAttempts = changedInteger(form, "maxAttempts", job.maxAttempts());
    if (patch.isEmpty() && schedule == null && priority == null && maxAttempts == null) {
      return null;
    }
    return new ChangeJobRequest(schedule, priority, maxAttempts, patch.isEmpty() ? null : patch);
  }

  /**
   * Payload members whose values are never put in the page: those the type marks secret or
   * write-only, those named like a secret, and those the dashboard would show masked (a URL with
   * user-info, a secret-named query parameter).
   */
  private Set<String> withheld(JobResponse job, JsonNode schema) {
    Set<String> withheld = new LinkedHashSet<>();
    for (String path : catalogue.secretFieldsOf(job.type())) {
      withheld.add(path.split("\\.", 2)[0]);
    }
    JsonNode properties = schema == null ? null : schema.get("properties");
    if (properties != null) {
      properties
          .fields()
          .forEachRemaining(
              p -> {
                if (p.getValue().path("writeOnly").asBoolean(false)
                    || PayloadRedactor.secretName(p.getKey())
                    || p.getKey().equalsIgnoreCase("headers")) {
                  withheld.add(p.getKey());
                }
              });
    }
    if (job.payload() != null && job.payload().isObject()) {
      JsonNode shown = PayloadRedactor.redact(job.payload());
      job.payload()
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (!job.payload().get(name).equals(shown.get(name))) {
                  withheld.add(name);
                }
              });
    }
    if (withheld.contains("*")) {
      // Every member secret: none is shown.
      if (job.payload() != null) {
        job.payload().fieldNames().forEachRemaining(withheld::add);
      }
      if (properties != null) {
        properties.fieldNames().forEachRemaining(withheld::add);
      }
    }
    return withheld;
  }

  /** The form's values for the job as it is: its payload (secrets left out) and schedule. */
  private Map<String, String> current(JobResponse job, JsonNode schema) {
    Map<String, String> values = new HashMap<>();
    Set<String> withheld = withheld(job, schema);
    if (job.payload() != null) {
      job.payload()
          .fields()
          .forEachRemaining(
              member -> {
                if (!withheld.contains(member.getKey()) && !member.getValue().isNull()) {
                  values.put(PayloadForm.PREFIX + member.getKey(), text(member.getValue()));
                }
              });
    }
    JobsController.ScheduleForm shown = JobsController.ScheduleForm.of(job);
    values.put("kind", shown.kind());
    values.put("at", shown.at());
    values.put("cron", shown.cron());
    values.put("every", shown.every());
    values.put("timeZone", shown.timeZone());
    values.put("priority", String.valueOf(job.priority()));
    values.put("maxAttempts", String.valueOf(job.maxAttempts()));
    return values;
  }

  private String text(JsonNode value) {
    if (value.isValueNode()) {
      return value.asText();
    }
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return value.toString();
    }
  }

  /**
   * The new schedule when the form changes it, else null. It keeps the job's overlap, catch-up and
   * jitter settings when it stays recurring: a PATCH schedule replaces the whole schedule.
   */
  private static ScheduleRequest schedule(ScheduleResponse now, Map<String, String> form) {
    String kind = form.get("kind");
    if (kind == null) {
      return null; // a form without the schedule's fields leaves it alone
    }
    String at = JobsController.blank(form.get("at"));
    String cron = JobsController.blank(form.get("cron"));
    String every = JobsController.blank(form.get("every"));
    String zone = JobsController.blank(form.get("timeZone"));
    // The values the form was filled in with.
    JobsController.ScheduleForm shown = JobsController.ScheduleForm.of(now);
    boolean same =
        kind.equals(shown.kind())
            && Objects.equals(at, JobsController.blank(shown.at()))
            && Objects.equals(cron, JobsController.blank(shown.cron()))
            && Objects.equals(every, JobsController.blank(shown.every()))
            && Objects.equals(zone, JobsController.blank(shown.timeZone()));
    if (same) {
      return null;
    }
    return keepingPolicy(now, kind, at, cron, every, zone);
  }

  /**
   * The schedule a form asks for, with the job's overlap, catch-up and jitter settings kept when it
   * was and stays recurring: a PATCH schedule replaces the whole schedule, and neither form shows
   * those settings.
   */
  static ScheduleRequest keepingPolicy(
      ScheduleResponse now, String kind, String at, String cron, String every, String zone) {
    boolean keepPolicy =
        now != null && (now.cron() != null || now.every() != null) && !"at".equals(kind);
    String overlap = keepPolicy ? now.overlap() : null;
    String catchUp = keepPolicy ? now.catchUp() : null;
    String window = keepPolicy ? now.catchUpWindow() : null;
    String jitter = keepPolicy && kind.equals("cron") ? now.jitter() : null;
    return switch (kind == null ? "" : kind) {
      case "at" -> new ScheduleRequest(at, null, zone, null);
      case "cron" -> new ScheduleRequest(null, cron, zone, null, overlap, catchUp, window, jitter);
      case "every" -> new ScheduleRequest(null, null, null, every, overlap, catchUp, window, null);
      default -> throw new InvalidJobException("kind", "choose at, cron or every");
    };
  }

  /** The form's whole number when it differs from {@code now}; 400 naming it when not a number. */
  private static Integer changedInteger(Map<String, String> form, String field, int now) {
    String value = JobsController.blank(form.get(field));
    if (value == null) {
      return null; // left empty: kept
    }
    try {
      int asked = Integer.parseInt(value);
      return asked == now ? null : asked;
    } catch (NumberFormatException e) {
      throw new InvalidJobException(field, "must be a whole number");
    }
  }

  private JsonNode schemaOf(String type) {
    return types.list().stream()
        .filter(t -> t.name().equals(type))
        .findFirst()
        .map(JobTypes.JobTypeResponse::payloadSchema)
        .orElse(null);
  }

  private String show(
      JobResponse job,
      JsonNode schema,
      Map<String, String> values,
      String version,
      List<InvalidJobException.Problem> problems,
      Model model) {
    Map<String, String> errors = new LinkedHashMap<>();
    problems.forEach(p -> errors.merge(p.field(), p.reason(), (a, b) -> a + "; " + b));
    model.addAttribute("job", job);
    model.addAttribute("payloadForm", PayloadForm.of(schema, values, withheld(job, schema)));
    model.addAttribute("values", values);
    model.addAttribute("version", version);
    model.addAttribute("problems", problems);
    model.addAttribute("errors", errors);
    model.addAttribute(
        "back", JobsController.jobLink(job.id(), (String) model.getAttribute("tz"), null));
    return "ui/job-edit";
  }
}
