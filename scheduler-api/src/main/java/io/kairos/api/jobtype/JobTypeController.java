package io.kairos.api.jobtype;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.catalogue.JobCatalogue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "job-types", description = "The job types this deployment knows")
class JobTypeController {

  private final List<JobTypeResponse> types;

  JobTypeController(JobCatalogue catalogue) {
    PayloadSchemas schemas = new PayloadSchemas();
    // The catalogue is fixed at start, so its schemas are generated once.
    this.types =
        catalogue.types().stream()
            .map(
                type ->
                    new JobTypeResponse(
                        type.name(), type.description(), schemas.schemaOf(type.payloadClass())))
            .toList();
  }

  @Operation(
      operationId = "listJobTypes",
      summary = "Each job type with the JSON Schema of its payload")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(path = "/api/v1/job-types", produces = MediaType.APPLICATION_JSON_VALUE)
  List<JobTypeResponse> list() {
    return types;
  }

  /** A job type. */
  @Schema(
      name = "JobType",
      description = "A job type; payloadSchema is the JSON Schema (draft 2020-12) of its payload.")
  record JobTypeResponse(
      @Schema(example = "log") String name,
      String description,
      @Schema(ref = "#/components/schemas/JsonObject") ObjectNode payloadSchema) {}
}
