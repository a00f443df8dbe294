package io.kairos.api.jobtype;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSchemas;
import io.kairos.catalogue.PublishedTypes;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The job types this deployment knows, for REST v1 and the dashboard alike: the built-in ones with
 * the schemas generated from their records, then applications' own as their workers published them,
 * each with the live nodes serving it.
 */
@Component
public class JobTypes {

  private final JobCatalogue catalogue;
  private final PublishedTypes published;
  private final Map<String, JsonNode> builtInSchemas = new LinkedHashMap<>();

  JobTypes(JobCatalogue catalogue, PublishedTypes published) {
    this.catalogue = catalogue;
    this.published = published;
    PayloadSchemas schemas = new PayloadSchemas();
    // The built-in types are fixed at start, so their schemas are generated once.
    catalogue
        .types()
        .forEach(type -> builtInSchemas.put(type.name(), schemas.schemaOf(type.payloadClass())));
  }

  public List<JobTypeResponse> list() {
    Map<String, PublishedTypes.PublishedType> byName = new LinkedHashMap<>();
    published.all().forEach(type -> byName.put(type.name(), type));
    List<JobTypeResponse> types = new ArrayList<>();
    catalogue
        .types()
        .forEach(
            type -> {
              PublishedTypes.PublishedType publication = byName.remove(type.name());
              types.add(
                  new JobTypeResponse(
                      type.name(),
                      type.description(),
                      true,
                      builtInSchemas.get(type.name()),
                      publication == null ? 0 : publication.liveSchemas().size(),
                      servedBy(publication)));
            });
    // Built-in types this API does not offer (operator-only ones) stay unlisted, though published.
    byName.values().stream()
        .filter(type -> !type.builtIn())
        .forEach(
            type ->
                types.add(
                    new JobTypeResponse(
                        type.name(),
                        type.description(),
                        type.builtIn(),
                        type.payloadSchema(),
                        type.liveSchemas().size(),
                        servedBy(type))));
    return types;
  }

  private static List<ServingNode> servedBy(PublishedTypes.PublishedType publication) {
    return publication == null
        ? List.of()
        : publication.servedBy().stream()
            .map(node -> new ServingNode(node.node(), node.schemaHash(), node.lastSeen()))
            .toList();
  }

  /** A job type. */
  @Schema(
      name = "JobType",
      description =
          "A job type; payloadSchema is the JSON Schema (draft 2020-12) of its payload (for an"
              + " application's own type, the one most recently published). servedBy lists the"
              + " live worker nodes serving it; liveSchemaVersions counts the distinct payload"
              + " schemas they publish (2 or more during a rolling upgrade that changes the"
              + " payload: a new job's payload must then satisfy each).")
  public record JobTypeResponse(
      @Schema(example = "log") String name,
      String description,
      boolean builtIn,
      @Schema(ref = "#/components/schemas/JsonObject") JsonNode payloadSchema,
      int liveSchemaVersions,
      List<ServingNode> servedBy) {}

  /** A live worker node serving a type. */
  @Schema(name = "ServingNode")
  public record ServingNode(String node, String schemaHash, Instant lastSeen) {}
}
