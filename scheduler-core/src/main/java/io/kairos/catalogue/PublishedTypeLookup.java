package io.kairos.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kairos.job.InvalidJobException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published types as the catalogue reads them: as recently read ({@link
 * PublishedTypes#findRecent}), and each payload checked against the JSON Schema of every live node
 * serving the type, since any of them may claim the job.
 */
final class PublishedTypeLookup {

  private final PublishedTypes published;
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final Map<JsonNode, JsonSchema> compiled = new ConcurrentHashMap<>();

  PublishedTypeLookup(PublishedTypes published) {
    this.published = published;
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
   * @throws InvalidJobException naming the first offending field, as {@code payload.<path>}
   */
  void check(String name, JsonNode payload) {
    PublishedTypes.PublishedType type =
        find(name).orElseThrow(() -> new InvalidJobException("type", "is no longer published"));
    for (JsonNode schema : type.schemasToSatisfy()) {
      Set<ValidationMessage> problems =
          compiled.computeIfAbsent(schema, factory::getSchema).validate(payload);
      Optional<ValidationMessage> first =
          problems.stream().min(Comparator.comparing(m -> field(m)));
      if (first.isPresent()) {
        String suffix =
            type.liveSchemas().size() > 1
                ? " (the live workers serving '"
                    + name
                    + "' publish "
                    + type.liveSchemas().size()
                    + " payload schemas; a payload must satisfy each)"
                : "";
        throw new InvalidJobException(field(first.get()), reason(first.get()) + suffix);
      }
    }
  }

  private static String field(ValidationMessage message) {
    StringBuilder path = new StringBuilder("payload");
    JsonNodePath location = message.getInstanceLocation();
    for (int i = 0; location != null && i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append('.').append(element);
      }
    }
    String type = message.getType();
    if (message.getProperty() != null
        && ("required".equals(type) || "additionalProperties".equals(type))) {
      path.append('.').append(message.getProperty());
    }
    return path.toString();
  }

  private static String reason(ValidationMessage message) {
    return switch (String.valueOf(message.getType())) {
      case "required" -> "is required";
      case "additionalProperties" -> "is not a field of this type's payloads";
      default -> {
        String text = message.getMessage();
        int colon = text.indexOf(": ");
        yield colon >= 0 ? text.substring(colon + 2) : text;
      }
    };
  }
}
