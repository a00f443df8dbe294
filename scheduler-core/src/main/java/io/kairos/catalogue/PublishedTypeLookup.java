package io.kairos.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidJobException.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Published types as the catalogue reads them: as recently read ({@link
 * PublishedTypes#findRecent}), and each payload checked against the JSON Schema of every live node
 * serving the type, since any of them may claim the job.
 */
final class PublishedTypeLookup {

  private final PublishedTypes published;
  private final SchemaProblems schemas;

  PublishedTypeLookup(PublishedTypes published, SchemaProblems schemas) {
    this.published = published;
    this.schemas = schemas;
  }

  Optional<PublishedTypes.PublishedType> find(String name) {
    // Built-in types are known by each catalogue itself, or deliberately not: the API's leaves out
    // the operator-only ones, which a worker publishes like any other.
    return published.findRecent(name).filter(type -> !type.builtIn());
  }

  List<String> names() {
    return published.all().stream()
        .filter(type -> !type.builtIn())
        .map(PublishedTypes.PublishedType::name)
        .toList();
  }

  /**
   * Every problem of {@code payload} against the schemas of the live nodes serving {@code name},
   * named as {@code payload.<path>}; empty when it satisfies each.
   *
   * @throws InvalidJobException naming {@code type} when the type is no longer published
   */
  List<Problem> problems(String name, JsonNode payload) {
    PublishedTypes.PublishedType type =
        find(name).orElseThrow(() -> new InvalidJobException("type", "is no longer published"));
    Map<String, Problem> found = new TreeMap<>();
    for (JsonNode schema : type.schemasToSatisfy()) {
      for (Problem problem : schemas.of(schema, payload)) {
        found.putIfAbsent(problem.field(), problem);
      }
    }
    if (found.isEmpty() || type.liveSchemas().size() < 2) {
      return List.copyOf(found.values());
    }
    String suffix =
        " (the live workers serving '"
            + name
            + "' publish "
            + type.liveSchemas().size()
            + " payload schemas; a payload must satisfy each)";
    return found.values().stream().map(p -> new Problem(p.field(), p.reason() + suffix)).toList();
  }
}
