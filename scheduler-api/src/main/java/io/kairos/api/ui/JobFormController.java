package io.kairos.api.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.CreateJobRequest;
import io.kairos.api.job.JobCreation;
import io.kairos.api.job.ScheduleRequest;
import io.kairos.api.jobtype.JobTypes;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.control.JobSubmitter;
import io.kairos.job.InvalidJobException;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A new job from the dashboard (keys with {@code jobs:write}): a form generated from the chosen
 * type's JSON Schema, sent through the API's own {@link JobCreation}, so the page refuses what
 * {@code POST /api/v1/jobs} refuses, naming the same fields; the form comes back with its values
 * and each problem next to its field.
 */
@Controller
class JobFormController {

  private final JobTypes types;
  private final JobCreation creation;
  private final ObjectMapper json;

  JobFormController(JobTypes types, JobCreation creation, ObjectMapper json) {
    this.types = types;
    this.creation = creation;
    this.json = json;
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @GetMapping("/ui/jobs/new")
  String form(@RequestParam(required = false) String type, Model model) {
    return show(JobsController.blank(type), Map.of(), List.of(), model);
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/jobs/new")
  String create(
      @RequestParam Map<String, String> form,
      Principal caller,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    String type = JobsController.blank(form.get("type"));
    Optional<JobTypes.JobTypeResponse> chosen = find(type);
    try {
      if (chosen.isEmpty()) {
        throw new InvalidJobException("type", "choose one of the job types");
      }
      PayloadForm payload = PayloadForm.of(chosen.get().payloadSchema(), form);
      CreateJobRequest request =
          new CreateJobRequest(
              type,
              JobsController.blank(form.get("id")),
              JobsController.blank(form.get("group")),
              payload.payload(json),
              schedule(form),
              integer(form, "priority"),
              integer(form, "maxAttempts"),
              JobsController.blank(form.get("timeout")),
              null,
              null,
              null);
      JobSubmitter.Submission done = creation.createRecorded(request, ApiPrincipal.of(caller));
      redirect.addFlashAttribute(
          "results",
          List.of(
              new ActionResult(
                  done.job().id(),
                  true,
                  done.created() ? "created" : "already there, created by the same request")));
      return "redirect:"
          + JobsController.jobLink(done.job().id(), JobsController.blank(form.get("tz")), null);
    } catch (InvalidJobException e) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      return show(type, form, e.problems(), model);
    }
  }

  private String show(
      String type,
      Map<String, String> values,
      List<InvalidJobException.Problem> problems,
      Model model) {
    List<JobTypes.JobTypeResponse> all = types.list();
    Optional<JobTypes.JobTypeResponse> chosen = find(type);
    Map<String, String> errors = new LinkedHashMap<>();
    problems.forEach(p -> errors.merge(p.field(), p.reason(), (a, b) -> a + "; " + b));
    model.addAttribute("types", all.stream().map(JobTypes.JobTypeResponse::name).toList());
    model.addAttribute("type", chosen.map(JobTypes.JobTypeResponse::name).orElse(null));
    model.addAttribute(
        "description", chosen.map(JobTypes.JobTypeResponse::description).orElse(null));
    model.addAttribute(
        "payloadForm", chosen.map(t -> PayloadForm.of(t.payloadSchema(), values)).orElse(null));
    model.addAttribute("values", values);
    model.addAttribute("problems", problems);
    model.addAttribute("errors", errors);
    return "ui/job-new";
  }

  private Optional<JobTypes.JobTypeResponse> find(String type) {
    if (type == null) {
      return Optional.empty();
    }
    return types.list().stream().filter(t -> t.name().equals(type)).findFirst();
  }

  /** The schedule as the API takes it; none (run once, now) when the kind is "now". */
  private static ScheduleRequest schedule(Map<String, String> form) {
    String kind = form.getOrDefault("kind", "now");
    String zone = JobsController.blank(form.get("timeZone"));
    return switch (kind) {
      case "now" -> null;
      case "at" -> new ScheduleRequest(JobsController.blank(form.get("at")), null, zone, null);
      case "cron" -> new ScheduleRequest(null, JobsController.blank(form.get("cron")), zone, null);
      case "every" ->
          new ScheduleRequest(null, null, null, JobsController.blank(form.get("every")));
      default -> throw new InvalidJobException("kind", "choose now, at, cron or every");
    };
  }

  private static Integer integer(Map<String, String> form, String field) {
    String value = JobsController.blank(form.get(field));
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new InvalidJobException(field, "must be a whole number");
    }
  }
}
