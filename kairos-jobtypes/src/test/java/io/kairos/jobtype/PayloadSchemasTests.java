package io.kairos.jobtype;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.catalogue.PayloadSchemas;
import io.kairos.jobtype.log.LogPayload;
import io.kairos.jobtype.noop.NoopPayload;
import org.junit.jupiter.api.Test;

class PayloadSchemasTests {

  final PayloadSchemas schemas = new PayloadSchemas();

  @Test
  void theLogPayloadNeedsAMessageStringAndNothingElse() {
    ObjectNode schema = schemas.schemaOf(LogPayload.class);
    assertThat(schema.get("$schema").asText()).contains("2020-12");
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.at("/properties/message/type").asText()).isEqualTo("string");
    assertThat(schema.at("/properties/message/description").asText()).contains("4000");
    assertThat(schema.at("/required/0").asText()).as(schema.toString()).isEqualTo("message");
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
  }

  @Test
  void theNoopPayloadHasAnOptionalIsoDuration() {
    ObjectNode schema = schemas.schemaOf(NoopPayload.class);
    assertThat(schema.at("/properties/duration/type").asText()).isEqualTo("string");
    assertThat(schema.at("/properties/duration/format").asText()).isEqualTo("duration");
    assertThat(schema.has("required")).isFalse();
    assertThat(schema.get("properties").size()).isEqualTo(1);
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
  }
}
