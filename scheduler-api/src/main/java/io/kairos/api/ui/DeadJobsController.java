package io.kairos.api.ui;

import io.kairos.api.audit.AuditTrail;
import io.kairos.api.job.JobAccess;
import io.kairos.api.job.Paging;
import io.kairos.api.problem.ApiProblem;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.control.JobControl;
import io.kairos.deadjob.DeadJob;
import io.kairos.deadjob.DeadJobs;
import io.kairos.job.InvalidJobException;
import io.kairos.job.NewJob;
import io.kairos.job.UnknownJobException;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Dead jobs: keyset pages with their last error, requeue or delete one or many, through core's
 * {@link DeadJobs} as {@code /api/v1/dead-jobs} does (same cursor kind, same checks).
 */
@Controller
class DeadJobsController {

  static final String CURSOR = "dead:";
  static final int PAGE = 50;

  private final DeadJobs deadJobs;
  private final JobAccess access;
  private final AuditTrail audit;

  DeadJobsController(DeadJobs deadJobs, JobAccess access, AuditTrail audit) {
    this.deadJobs = deadJobs;
    this.access = access;
    this.audit = audit;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/dead-jobs")
  String list(
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String tz,
      Model model) {
    String kind = JobsController.blank(type);
    if (kind != null && !NewJob.ID.matcher(kind).matches()) {
      throw new InvalidJobException("type", "is not a job type");
    }
    String at = JobsController.blank(cursor);
    String after = at == null ? null : Paging.decodeCursor(CURSOR, at);
    List<DeadJob> page = deadJobs.list(kind, after, PAGE + 1);
    List<DeadJob> shown = page.subList(0, Math.min(PAGE, page.size()));
    String next = page.size() > PAGE ? Paging.encodeCursor(CURSOR, shown.get(PAGE - 1).id()) : null;
    model.addAttribute("dead", shown);
    model.addAttribute("type", kind);
    model.addAttribute("here", link(kind, at, JobsController.blank(tz)));
    model.addAttribute("next", next == null ? null : link(kind, next, JobsController.blank(tz)));
    model.addAttribute("first", at == null ? null : link(kind, null, JobsController.blank(tz)));
    return "ui/dead-jobs";
  }

  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/ui/dead-jobs/actions")
  String act(
      @RequestParam(required = false) String action,
      @RequestParam(required = false) List<String> ids,
      @RequestParam(required = false) String confirm,
      @RequestParam(required = false) String back,
      Principal caller,
      RedirectAttributes redirect) {
    ApiPrincipal principal = ApiPrincipal.of(caller);
    JobControl.Caller as = new JobControl.Caller(principal.name(), principal.admin());
    Function<String, String> apply =
        switch (action == null ? "" : action) {
          case "requeue" -> id -> requeue(id, as);
          case "delete" ->
              id -> {
                if (!deadJobs.delete(id, as)) {
                  throw ApiProblem.notFound("no dead job with id '" + id + "'");
                }
                audit.deadJobDeleted(id);
                return "deleted";
              };
          default -> throw new InvalidJobException("action", "choose requeue or delete");
        };
    redirect.addFlashAttribute(
        "results",
        ActionResult.applyEach(
            ids,
            confirm,
            action + " dead jobs",
            chosen -> access.requireAllowed(chosen, principal, action),
            apply));
    return "redirect:" + ActionResult.back(back, "/ui/dead-jobs");
  }

  private String requeue(String id, JobControl.Caller caller) {
    DeadJobs.Requeue requeue = deadJobs.requeue(id, caller);
    return switch (requeue.outcome()) {
      case REQUEUED -> {
        audit.deadJobRequeued(id, requeue.nextRunAt());
        yield "requeued, runs at " + requeue.nextRunAt();
      }
      case NOT_FOUND -> throw new UnknownJobException(id);
      case NOT_DEAD ->
          throw new ApiProblem(
              HttpStatus.CONFLICT, "Conflict", "job '" + id + "' is not dead", null);
    };
  }

  private static String link(String type, String cursor, String tz) {
    return UriComponentsBuilder.fromPath("/ui/dead-jobs")
        .queryParamIfPresent("type", Optional.ofNullable(type))
        .queryParamIfPresent("cursor", Optional.ofNullable(cursor))
        .queryParamIfPresent("tz", Optional.ofNullable(tz))
        .encode()
        .build()
        .toUriString();
  }
}
