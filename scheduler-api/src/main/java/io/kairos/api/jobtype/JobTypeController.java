package io.kairos.api.jobtype;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "job-types", description = "The job types this deployment knows")
class JobTypeController {

  private final JobTypes types;

  JobTypeController(JobTypes types) {
    this.types = types;
  }

  @Operation(
      operationId = "listJobTypes",
      summary =
          "Each job type (built in, and applications' own as their workers published them) with"
              + " the JSON Schema of its payload and the live worker nodes serving it")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(path = "/api/v1/job-types", produces = MediaType.APPLICATION_JSON_VALUE)
  List<JobTypes.JobTypeResponse> list() {
    return types.list();
  }
}
