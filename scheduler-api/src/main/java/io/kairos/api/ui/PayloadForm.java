package io.kairos.api.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.job.InvalidJobException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A payload form generated from a type's published JSON Schema: one field per top-level property,
 * named {@code payload.<property>} as the API names it in its errors. Enums become a choice,
 * numbers number inputs with the schema's bounds, booleans a yes/no choice, strings text, and
 * anything else (objects, arrays) JSON in a text area. The form only gathers values: the checks are
 * the API's, so the page refuses what {@code POST /api/v1/jobs} refuses, with the same field names.
 */
record PayloadForm(List<Field> fields) {

  static final String PREFIX = "payload.";

  /** One input: its kind decides the control; {@code value} is what the form shows. */
  record Field(
      String name,
      String property,
      String kind,
      boolean required,
      String description,
      List<String> options,
      String min,
      String max,
      String step,
      String value,
      boolean secret) {

    /** The id of the input, from its name (ids allow no dots in CSS selectors). */
    public String id() {
      return "field-" + name.replace('.', '-');
    }
  }

  static PayloadForm of(JsonNode schema, Map<String, String> values) {
    return of(schema, values, Set.of());
  }

  /**
   * With {@code withheld} properties shown as secrets: their inputs never hold a value, not even
   * the one just submitted, so a secret never reaches the page.
   */
  static PayloadForm of(JsonNode schema, Map<String, String> values, Set<String> withheld) {
    List<Field> fields = new ArrayList<>();
    JsonNode properties = schema == null ? null : schema.get("properties");
    if (properties == null || !properties.isObject()) {
      return new PayloadForm(fields);
    }
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> property = it.next();
      JsonNode p = property.getValue();
      String name = PREFIX + property.getKey();
      String type = type(p);
      List<String> options = new ArrayList<>();
      p.path("enum").forEach(e -> options.add(e.asText()));
      String kind;
      if (!options.isEmpty()) {
        kind = "choice";
      } else if ("integer".equals(type) || "number".equals(type)) {
        kind = type;
      } else if ("boolean".equals(type)) {
        kind = "boolean";
      } else if ("string".equals(type)) {
        kind = "text";
      } else {
        kind = "json";
      }
      fields.add(
          new Field(
              name,
              property.getKey(),
              kind,
              required.contains(property.getKey()),
              p.path("description").asText(""),
              options,
              p.has("minimum") ? p.get("minimum").asText() : null,
              p.has("maximum") ? p.get("maximum").asText() : null,
              "integer".equals(kind) ? "1" : "any",
              withheld.contains(property.getKey()) ? "" : values.getOrDefault(name, ""),
              withheld.contains(property.getKey())));
    }
    return new PayloadForm(fields);
  }

  /** A property's JSON type; the first non-null one when the schema lists several. */
  private static String type(JsonNode property) {
    JsonNode type = property.get("type");
    if (type == null) {
      return null;
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!"null".equals(t.asText())) {
          return t.asText();
        }
      }
      return null;
    }
    return type.asText();
  }

  /**
   * The payload the fields' values make: empty fields are left out. A value that is not what its
   * field holds (a number that is no number, JSON that does not parse) is passed on as text, so the
   * API's schema check reports it under the field's own name; only JSON text that does not parse is
   * refused here, naming the field.
   */
  ObjectNode payload(ObjectMapper json) {
    ObjectNode payload = json.createObjectNode();
    List<InvalidJobException.Problem> problems = new ArrayList<>();
    for (Field field : fields) {
      String value = field.value() == null ? "" : field.value().strip();
      if (value.isEmpty()) {
        continue;
      }
      switch (field.kind()) {
        case "integer", "number" -> {
          try {
            payload.put(field.property(), new BigDecimal(value));
          } catch (NumberFormatException notANumber) {
            payload.put(field.property(), value);
          }
        }
        case "boolean" -> {
          if ("true".equals(value) || "false".equals(value)) {
            payload.put(field.property(), Boolean.parseBoolean(value));
          } else {
            payload.put(field.property(), value);
          }
        }
        case "json" -> {
          try {
            payload.set(field.property(), json.readTree(value));
          } catch (JsonProcessingException e) {
            problems.add(new InvalidJobException.Problem(field.name(), "is not valid JSON"));
          }
        }
        default -> payload.put(field.property(), value);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidJobException(problems);
    }
    return payload;
  }
}
