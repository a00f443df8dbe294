package io.kairos.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The job types this deployment knows, and the one place a payload is bound and validated. The
 * worker and the API share it, so the API refuses exactly what the worker could not run.
 */
public final class JobCatalogue {

  private final Map<String, JobType<?>> types;
  private final ObjectMapper json;

  public JobCatalogue(Collection<JobType<?>> types, ObjectMapper json) {
    Map<String, JobType<?>> byName = new LinkedHashMap<>();
    for (JobType<?> type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("job type registered twice: " + type.name());
      }
    }
    this.types = Collections.unmodifiableMap(byName);
    this.json = json;
  }

  public List<JobType<?>> types() {
    return List.copyOf(types.values());
  }

  public JobType<?> require(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidJobException("type", "is required");
    }
    JobType<?> type = types.get(name);
    if (type == null) {
      throw new InvalidJobException(
          "type",
          "'"
              + name
              + "' is not a known job type; known: "
              + types.keySet().stream().sorted().collect(Collectors.joining(", ")));
    }
    return type;
  }

  /** Binds and validates a payload; an absent payload binds as {@code {}}. */
  public <P> P bind(JobType<P> type, JsonNode payload) {
    JsonNode node =
        payload == null || payload instanceof NullNode ? json.createObjectNode() : payload;
    if (!node.isObject()) {
      throw new InvalidJobException("payload", "must be a JSON object");
    }
    try {
      return json.treeToValue(node, type.payloadClass());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidJobException invalid) {
        throw new InvalidJobException("payload." + invalid.field(), invalid.reason());
      }
      throw new InvalidJobException(
          "payload", cause != null ? String.valueOf(cause.getMessage()) : e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidJobException(
          "payload." + e.getPropertyName(),
          "is not a field of '" + type.name() + "' payloads; known: " + e.getKnownPropertyIds());
    } catch (InvalidFormatException e) {
      throw new InvalidJobException(path(e), "has an invalid value: " + e.getValue());
    } catch (MismatchedInputException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Missing required creator property")) {
        throw new InvalidJobException(path(e), "is required");
      }
      throw new InvalidJobException(path(e), "has the wrong JSON type");
    } catch (JsonProcessingException e) {
      throw new InvalidJobException("payload", e.getOriginalMessage());
    }
  }

  private static String path(MismatchedInputException e) {
    String fields =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return fields.isEmpty() ? "payload" : "payload." + fields;
  }
}
