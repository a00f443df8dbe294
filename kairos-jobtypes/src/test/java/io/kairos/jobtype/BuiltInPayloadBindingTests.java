package io.kairos.jobtype;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.jobtype.webhook.WebhookPayload;
import io.kairos.serialization.KairosJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in types' payloads bind under the schema checks as they did before them. */
class BuiltInPayloadBindingTests {

  static final ObjectMapper JSON = KairosJson.newObjectMapper();

  @Test
  void builtInTypesBindAsBeforeIncludingRecordsWrittenByJavaWithNullFields() {
    JobCatalogue builtIn = new JobCatalogue(BuiltInJobTypes.all(), JSON);
    JsonNode fromJava =
        JSON.valueToTree(
            new WebhookPayload(
                "POST", "https://hooks.example.com/x", Map.of("X-A", "1"), null, null, null));
    assertThat(builtIn.bind(BuiltInJobTypes.WEBHOOK, fromJava).url())
        .isEqualTo("https://hooks.example.com/x");

    ObjectNode anyBody = JSON.createObjectNode().put("url", "https://hooks.example.com/x");
    anyBody.putObject("body").putArray("items").add(1).add("two");
    anyBody.put("timeout", "PT1.5S");
    assertThat(builtIn.bind(BuiltInJobTypes.WEBHOOK, anyBody).body().get("items").size())
        .isEqualTo(2);
  }
}
