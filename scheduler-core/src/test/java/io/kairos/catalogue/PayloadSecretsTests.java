package io.kairos.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.crypto.CipherSettings;
import io.kairos.crypto.SecretCipher;
import io.kairos.job.JobType;
import io.kairos.serialization.KairosJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Secret payload values: sealed, opened, masked, by the types' own declarations. */
class PayloadSecretsTests {

  static final ObjectMapper JSON = KairosJson.newObjectMapper();

  /** Declares its secret fields as the built-in {@code webhook} type does: every header value. */
  static final JobType<JsonNode> WEBHOOK =
      new JobType<>("webhook", JsonNode.class, "", List.of("headers.*"));

  static final JobCatalogue CATALOGUE = new JobCatalogue(List.of(WEBHOOK), JSON);
  static final SecretCipher CIPHER =
      CipherSettings.cipher("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=", "k1", null);

  static JsonNode webhook() throws Exception {
    return JSON.readTree(
        "{\"url\": \"https://hooks.example.com/x\", \"headers\": {\"Authorization\": \"Bearer s3cr3t\","
            + " \"X-Tenant\": \"acme\"}, \"body\": {\"headers\": {\"Authorization\": \"in the body\"}}}");
  }

  @Test
  void everyHeaderValueIsSealedAndOpensOnlyForItsJobAndField() throws Exception {
    PayloadSecrets secrets = new PayloadSecrets(CATALOGUE, CIPHER);
    JsonNode sealed = secrets.seal("webhook", "job-1", webhook());

    assertThat(sealed.toString()).doesNotContain("s3cr3t").doesNotContain("acme");
    assertThat(sealed.at("/headers/Authorization/sealed").asText()).startsWith("v1:k1:");
    // Only the declared paths: the body and the URL are left as they are.
    assertThat(sealed.at("/body/headers/Authorization").asText()).isEqualTo("in the body");
    assertThat(sealed.at("/url").asText()).isEqualTo("https://hooks.example.com/x");
    // Sealing a sealed payload again changes nothing (requeue, redefinition).
    assertThat(secrets.seal("webhook", "job-1", sealed)).isEqualTo(sealed);

    assertThat(secrets.open("webhook", "job-1", sealed)).isEqualTo(webhook());
    // Copied to another job, a sealed value does not open.
    assertThatThrownBy(() -> secrets.open("webhook", "job-2", sealed))
        .isInstanceOf(SecretCipher.SecretUnreadable.class)
        .hasMessageNotContaining("s3cr3t");
    // A payload stored plain, before sealing existed, opens as itself.
    assertThat(secrets.open("webhook", "job-1", webhook())).isEqualTo(webhook());
  }

  @Test
  void maskedValuesAreStarsWhetherSealedOrNot() throws Exception {
    PayloadSecrets secrets = new PayloadSecrets(CATALOGUE, CIPHER);
    for (JsonNode payload : new JsonNode[] {webhook(), secrets.seal("webhook", "j", webhook())}) {
      JsonNode masked = secrets.mask("webhook", payload);
      assertThat(masked.at("/headers/Authorization").asText()).isEqualTo("***");
      assertThat(masked.at("/headers/X-Tenant").asText()).isEqualTo("***");
      assertThat(masked.at("/body/headers/Authorization").asText()).isEqualTo("in the body");
    }
    JsonNode log = JSON.readTree("{\"message\": \"hello\"}");
    assertThat(secrets.mask("log", log)).isEqualTo(log);
  }

  @Test
  void theMaskAtASecretPathKeepsTheStoredSecretAndIsRefusedWhereThereIsNoneToKeep()
      throws Exception {
    PayloadSecrets secrets = new PayloadSecrets(CATALOGUE, CIPHER);
    JsonNode stored = secrets.seal("webhook", "job-1", webhook());
    com.fasterxml.jackson.databind.node.ObjectNode sentBack =
        (com.fasterxml.jackson.databind.node.ObjectNode) secrets.mask("webhook", stored);
    sentBack.put("url", "https://hooks.example.com/y");
    // The mask outside a secret path is a value like any other.
    ((com.fasterxml.jackson.databind.node.ObjectNode) sentBack.get("body")).put("note", "***");

    JsonNode kept = secrets.keepMasked("webhook", stored, sentBack);
    assertThat(kept.at("/headers/Authorization")).isEqualTo(stored.at("/headers/Authorization"));
    JsonNode opened = secrets.open("webhook", "job-1", secrets.seal("webhook", "job-1", kept));
    assertThat(opened.at("/headers/Authorization").asText()).isEqualTo("Bearer s3cr3t");
    assertThat(opened.at("/headers/X-Tenant").asText()).isEqualTo("acme");
    assertThat(opened.at("/url").asText()).isEqualTo("https://hooks.example.com/y");
    assertThat(opened.at("/body/note").asText()).isEqualTo("***");

    ((com.fasterxml.jackson.databind.node.ObjectNode) sentBack.get("headers")).put("X-New", "***");
    assertThatThrownBy(() -> secrets.keepMasked("webhook", stored, sentBack))
        .isInstanceOfSatisfying(
            io.kairos.job.InvalidJobException.class,
            e -> assertThat(e.field()).isEqualTo("payload.headers.X-New"));
    assertThatThrownBy(() -> secrets.refuseMasked("webhook", secrets.mask("webhook", stored)))
        .isInstanceOfSatisfying(
            io.kairos.job.InvalidJobException.class,
            e ->
                assertThat(e.problems())
                    .extracting(io.kairos.job.InvalidJobException.Problem::field)
                    .containsExactlyInAnyOrder(
                        "payload.headers.Authorization", "payload.headers.X-Tenant"));
    secrets.refuseMasked("webhook", webhook());
  }

  @Test
  void withoutAKeyASecretIsRefusedNamingTheSettingAndAPayloadWithoutOneIsNot() throws Exception {
    PayloadSecrets secrets = new PayloadSecrets(CATALOGUE, null);
    assertThatThrownBy(() -> secrets.seal("webhook", "j", webhook()))
        .isInstanceOf(SecretsNeedAKey.class)
        .hasMessageContaining("KAIROS_ENCRYPTION_KEY")
        .hasMessageNotContaining("s3cr3t");
    JsonNode noHeaders = JSON.readTree("{\"url\": \"https://hooks.example.com/x\"}");
    assertThat(secrets.seal("webhook", "j", noHeaders)).isEqualTo(noHeaders);
  }
}
