package io.kairos.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.time.Duration;
import java.time.ZoneId;

/**
 * JSON Schemas (draft 2020-12) of payload records, generated from the records themselves so they
 * cannot drift from what the catalogue binds: unknown fields are refused ({@code
 * additionalProperties: false}), Jackson's {@code @JsonProperty(required = true)} and
 * {@code @JsonPropertyDescription} become {@code required} and {@code description}, durations are
 * ISO-8601 strings. Rules checked in a payload's constructor (lengths, ranges) are in the
 * descriptions.
 */
public final class PayloadSchemas {

  private final SchemaGenerator generator;

  public PayloadSchemas() {
    SchemaGeneratorConfigBuilder config =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(
                new JacksonModule(
                    JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
                    JacksonOption.RESPECT_JSONPROPERTY_ORDER))
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT);
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
              return null;
            });
    this.generator = new SchemaGenerator(config.build());
  }

  public ObjectNode schemaOf(Class<?> payloadRecord) {
    return generator.generateSchema(payloadRecord);
  }
}
