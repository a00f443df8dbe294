package io.kairos.api.job;

import io.kairos.job.JobSubmitter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "jobs")
class JobController {

  private final JobService jobs;

  JobController(JobService jobs) {
    this.jobs = jobs;
  }

  @Operation(
      summary = "Schedule a job",
      description =
          "201 with the new job; 200 with the existing job when the same id is posted again"
              + " with the same body; 409 when the id is taken by a different job.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobResponse> create(@RequestBody CreateJobRequest request, Principal principal) {
    JobSubmitter.Submission submission =
        jobs.create(request, principal == null ? "anonymous" : principal.getName());
    JobResponse body = jobs.get(submission.job().id());
    if (!submission.created()) {
      return ResponseEntity.ok(body);
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/jobs/" + body.id()))
        .body(body);
  }

  @Operation(summary = "A job with its state, next run and last run")
  @GetMapping("/{id}")
  JobResponse get(@PathVariable String id) {
    return jobs.get(id);
  }

  @Operation(summary = "A job's attempts, oldest first")
  @GetMapping("/{id}/runs")
  Page<RunResponse> runs(
      @PathVariable String id,
      @RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return jobs.runs(id, cursor, limit);
  }
}
