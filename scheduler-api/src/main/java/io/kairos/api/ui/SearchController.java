package io.kairos.api.ui;

import io.kairos.api.job.JobService;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.job.InvalidJobException;
import io.kairos.job.NewJob;
import io.kairos.job.UnknownJobException;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The header's search box on every page: an exact id opens that job, anything else lists the jobs
 * whose id starts with it (the jobs list's prefix filter, so hundreds of similar ids stay
 * findable).
 */
@Controller
class SearchController {

  private final JobService jobs;

  SearchController(JobService jobs) {
    this.jobs = jobs;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/search")
  String search(
      @RequestParam(required = false) String q, @RequestParam(required = false) String tz) {
    String text = JobsController.blank(q);
    String zone = JobsController.blank(tz);
    if (text == null) {
      return "redirect:" + link("/ui/jobs", null, zone);
    }
    if (!NewJob.ID.matcher(text).matches()) {
      throw new InvalidJobException("q", "a job id or its start: [A-Za-z0-9._:-]{1,200}");
    }
    try {
      jobs.get(text);
      return "redirect:" + JobsController.jobLink(text, zone, null);
    } catch (UnknownJobException notThatId) {
      return "redirect:" + link("/ui/jobs", text, zone);
    }
  }

  private static String link(String path, String prefix, String tz) {
    return UriComponentsBuilder.fromPath(path)
        .queryParamIfPresent("prefix", Optional.ofNullable(prefix))
        .queryParamIfPresent("tz", Optional.ofNullable(tz))
        .encode()
        .build()
        .toUriString();
  }
}
