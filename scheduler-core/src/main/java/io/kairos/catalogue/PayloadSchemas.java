package io.kairos.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.time.ZoneId;

/**
 * JSON Schemas (draft 2020-12) of payload records, generated from the records themselves so they
 * cannot drift from what the catalogue binds: unknown fields are refused ({@code
 * additionalProperties: false}), Jackson's {@code @JsonProperty(required = true)} and
 * {@code @JsonPropertyDescription} become {@code required} and {@code description}, durations are
 * ISO-8601 strings, a map's values are described by its value type and a {@code JsonNode} is any
 * JSON.
 *
 * <p>Bean Validation's constraints (jakarta.validation) on a record's components become their JSON
 * Schema counterparts: {@code NotNull}, {@code NotBlank} and {@code NotEmpty} make the field {@code
 * required}; {@code Size} bounds lengths and counts; {@code Min}, {@code Max}, {@code DecimalMin},
 * {@code DecimalMax}, {@code Positive}, {@code PositiveOrZero} and their negative twins bound
 * numbers; {@code Email} is {@code format: email}; {@code Pattern} is a {@code pattern} matching
 * the whole value, as Bean Validation matches it; {@code NotBlank} also asks for a character other
 * than white space. Rules checked in a payload's constructor (Kairos's own types) are in the
 * descriptions.
 */
public final class PayloadSchemas {

  /** Some character that is not white space: {@code @NotBlank}, as a JSON Schema pattern. */
  static final String NOT_BLANK = "\\S";

  private final SchemaGenerator generator;

  public PayloadSchemas() {
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON);
    // Before the modules: the first pattern found wins, and Bean Validation matches a @Pattern
    // against the whole value while a JSON Schema pattern may match anywhere in it.
    config.forFields().withStringPatternResolver(PayloadSchemas::pattern);
    config
        .with(
            new JacksonModule(
                JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
                JacksonOption.RESPECT_JSONPROPERTY_ORDER))
        .with(
            new JakartaValidationModule(
                JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED,
                JakartaValidationOption.NOT_NULLABLE_METHOD_IS_REQUIRED))
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES);
    config
        .forTypesInGeneral()
        .withCustomDefinitionProvider(
            (type, context) -> {
              Class<?> raw = type.getErasedType();
              if (raw == Duration.class) {
                ObjectNode node = context.getGeneratorConfig().createObjectNode();
                node.put("type", "string").put("format", "duration");
                return new CustomDefinition(node);
              }
              if (ZoneId.class.isAssignableFrom(raw)) {
                ObjectNode node = context.getGeneratorConfig().createObjectNode();
                node.put("type", "string");
                return new CustomDefinition(node);
              }
              if (JsonNode.class.isAssignableFrom(raw)) {
                // Any JSON value (a webhook's body): no type, and none of a type's attributes.
                return new CustomDefinition(
                    context.getGeneratorConfig().createObjectNode(),
                    CustomDefinition.INLINE_DEFINITION,
                    CustomDefinition.EXCLUDING_ATTRIBUTES);
              }
              return null;
            });
    this.generator = new SchemaGenerator(config.build());
  }

  public ObjectNode schemaOf(Class<?> payloadRecord) {
    return generator.generateSchema(payloadRecord);
  }

  private static String pattern(FieldScope field) {
    if (!field.getType().isInstanceOf(CharSequence.class) || field.isFakeContainerItemScope()) {
      return null;
    }
    Pattern pattern = field.getAnnotationConsideringFieldAndGetter(Pattern.class);
    if (pattern != null) {
      return whole(pattern.regexp(), pattern.flags());
    }
    Email email = field.getAnnotationConsideringFieldAndGetter(Email.class);
    if (email != null && !".*".equals(email.regexp())) {
      return whole(email.regexp(), email.flags());
    }
    if (field.getAnnotationConsideringFieldAndGetter(NotBlank.class) != null) {
      return NOT_BLANK;
    }
    return null;
  }

  /** {@code regexp} matching a whole value, with Bean Validation's flags inline. */
  private static String whole(String regexp, Pattern.Flag[] flags) {
    StringBuilder inline = new StringBuilder();
    for (Pattern.Flag flag : flags) {
      switch (flag) {
        case CASE_INSENSITIVE -> inline.append('i');
        case MULTILINE -> inline.append('m');
        case DOTALL -> inline.append('s');
        case COMMENTS -> inline.append('x');
        case UNICODE_CASE -> inline.append('u');
        default -> {} // UNIX_LINES and CANON_EQ have no inline form worth publishing
      }
    }
    return (inline.isEmpty() ? "" : "(?" + inline + ")") + "^(?:" + regexp + ")$";
  }
}
