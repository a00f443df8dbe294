package io.kairos.catalogue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kairos.job.InvalidJobException.Problem;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A payload checked against a JSON Schema of its type, every problem at once, each named as {@code
 * payload.<path>}. Of the formats, {@code email} is asserted ({@code @Email}); the others the
 * generator writes ({@code date-time}, {@code uri}, {@code duration}, …) stay descriptions, binding
 * being their judge. An explicit {@code null} counts as an absent field, as binding reads it (a
 * record written by Java code holds its unset fields as {@code null}), unless the field is held by
 * a primitive, which {@code null} cannot fill: known from the record when there is one, else
 * assumed of every number and boolean.
 */
final class SchemaProblems {

  private static final Set<String> NULL_REFUSING = Set.of("integer", "number", "boolean");
  private static final Set<String> ASSERTED_FORMATS = Set.of("email", "idn-email");
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");

  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder ->
              builder.metaSchema(
                  JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                      .formats(formats -> formats.keySet().retainAll(ASSERTED_FORMATS))
                      .build()));
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private final Map<JsonNode, JsonSchema> compiled = new ConcurrentHashMap<>();
  private final PayloadSchemas generator = new PayloadSchemas();

  /**
   * Each record's schema, compiled once: workers check every attempt's payload, and a schema looked
   * up by its JSON would be hashed whole each time.
   */
  private final Map<Class<?>, JsonSchema> ofRecords = new ConcurrentHashMap<>();

  /**
   * The problems of a payload bound to {@code payloadRecord}, {@code bound} being the bound record
   * written back as JSON: binding judged the fields and their JSON types (with Jackson's coercions,
   * a number given as a string in configuration), so only the constraints are checked, on the
   * values the record holds.
   */
  List<Problem> ofBound(Class<?> payloadRecord, JsonNode bound) {
    return of(
        schemaOf(payloadRecord),
        bound,
        payloadRecord,
        m -> "type".equals(m.getType()) || "additionalProperties".equals(m.getType()));
  }

  /**
   * The problems of a payload that could not be bound to {@code payloadRecord}, but for types
   * binding would have coerced (a number given as a string).
   */
  List<Problem> ofUnbound(Class<?> payloadRecord, JsonNode payload) {
    return of(schemaOf(payloadRecord), payload, payloadRecord, SchemaProblems::coercible);
  }

  /** The problems of {@code payload} (a JSON object), one per field, ordered by field. */
  List<Problem> of(JsonNode schema, JsonNode payload) {
    return of(compiled.computeIfAbsent(schema, this::compile), payload, null, m -> false);
  }

  private JsonSchema schemaOf(Class<?> payloadRecord) {
    return ofRecords.computeIfAbsent(payloadRecord, c -> compile(generator.schemaOf(c)));
  }

  private JsonSchema compile(JsonNode schema) {
    return factory.getSchema(schema, config);
  }

  /**
   * As {@link #of(JsonNode, JsonNode)}, knowing the record the payload binds to (or null): a {@code
   * null} then stands for an absent field wherever its component is not primitive. Messages {@code
   * ignored} accepts are left out.
   */
  private List<Problem> of(
      JsonSchema compiledSchema,
      JsonNode payload,
      Class<?> payloadRecord,
      Predicate<ValidationMessage> ignored) {
    JsonNode schema = compiledSchema.getSchemaNode();
    Set<ValidationMessage> messages =
        compiledSchema.validate(withoutNulls(payload, schema, schema, payloadRecord));
    Map<String, List<String>> byField = new TreeMap<>();
    for (ValidationMessage message : messages) {
      if (ignored.test(message)) {
        continue;
      }
      List<String> reasons = byField.computeIfAbsent(field(message), f -> new ArrayList<>());
      String reason = reason(message);
      if (!reasons.contains(reason)) {
        reasons.add(reason);
      }
    }
    List<Problem> problems = new ArrayList<>();
    byField.forEach(
        (field, reasons) -> {
          reasons.sort(null);
          problems.add(new Problem(field, String.join(" and ", reasons)));
        });
    return problems;
  }

  /** A JSON type Jackson's binding coerces into the one expected: not a problem of binding's. */
  private static boolean coercible(ValidationMessage message) {
    if (!"type".equals(message.getType()) || message.getInstanceNode() == null) {
      return false;
    }
    JsonNode value = message.getInstanceNode();
    Object[] arguments = message.getArguments();
    String expected = arguments != null && arguments.length > 1 ? String.valueOf(arguments[1]) : "";
    if (value.isTextual()) {
      String text = value.asText().trim();
      if (expected.contains("integer")) {
        return INTEGER.matcher(text).matches();
      }
      if (expected.contains("number")) {
        try {
          new BigDecimal(text);
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return expected.contains("boolean") && (text.equals("true") || text.equals("false"));
    }
    return (value.isNumber() || value.isBoolean()) && expected.contains("string");
  }

  /**
   * {@code node} without the {@code null} members that stand for absent fields, following {@code
   * schema} (within {@code root}, for references) into nested objects. Copies only what changes.
   */
  private static JsonNode withoutNulls(
      JsonNode node, JsonNode schema, JsonNode root, Class<?> payloadRecord) {
    if (!(node instanceof ObjectNode object)) {
      return node;
    }
    JsonNode resolved = resolve(schema, root);
    Map<String, JsonNode> changed = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode fieldSchema = propertySchema(resolved, field.getKey(), root);
      Class<?> component = componentType(payloadRecord, field.getKey());
      JsonNode value = field.getValue();
      if (value.isNull()) {
        // An undeclared field stays, to be refused as one.
        boolean holdsNull =
            component != null ? !component.isPrimitive() : !refusesNull(fieldSchema);
        if (fieldSchema != null && holdsNull) {
          dropped.add(field.getKey());
        }
      } else if (value.isObject()) {
        JsonNode inner = withoutNulls(value, fieldSchema, root, component);
        if (inner != value) {
          changed.put(field.getKey(), inner);
        }
      }
    }
    if (dropped.isEmpty() && changed.isEmpty()) {
      return node;
    }
    ObjectNode copy = object.deepCopy();
    copy.remove(dropped);
    changed.forEach(copy::set);
    return copy;
  }

  /** The type of {@code payloadRecord}'s component named {@code name} in JSON, or null. */
  private static Class<?> componentType(Class<?> payloadRecord, String name) {
    if (payloadRecord == null || !payloadRecord.isRecord()) {
      return null;
    }
    for (RecordComponent component : payloadRecord.getRecordComponents()) {
      JsonProperty renamed = component.getAnnotation(JsonProperty.class);
      String json =
          renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
      if (json.equals(name)) {
        return component.getType();
      }
    }
    return null;
  }

  private static JsonNode propertySchema(JsonNode schema, String name, JsonNode root) {
    if (schema == null) {
      return null;
    }
    JsonNode property = schema.path("properties").get(name);
    if (property == null) {
      JsonNode additional = schema.get("additionalProperties");
      property = additional != null && additional.isObject() ? additional : null;
    }
    return resolve(property, root);
  }

  private static JsonNode resolve(JsonNode schema, JsonNode root) {
    for (int depth = 0; schema != null && depth < 8; depth++) {
      JsonNode ref = schema.get("$ref");
      if (ref == null || !ref.isTextual() || !ref.asText().startsWith("#")) {
        return schema;
      }
      JsonNode target = root.at(ref.asText().substring(1));
      schema = target.isMissingNode() ? null : target;
    }
    return schema;
  }

  private static boolean refusesNull(JsonNode schema) {
    if (schema == null) {
      return false;
    }
    JsonNode type = schema.get("type");
    if (type == null) {
      return false;
    }
    if (type.isTextual()) {
      return NULL_REFUSING.contains(type.asText());
    }
    boolean nullAllowed = false;
    boolean primitive = false;
    for (JsonNode t : type) {
      nullAllowed |= "null".equals(t.asText());
      primitive |= NULL_REFUSING.contains(t.asText());
    }
    return primitive && !nullAllowed;
  }

  static String field(ValidationMessage message) {
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

  static String reason(ValidationMessage message) {
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
