package io.kairos.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidJobException.Problem;
import io.kairos.job.JobType;
import io.kairos.serialization.KairosJson;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bean Validation's constraints on a payload record: published in its JSON Schema and enforced
 * where payloads are bound, every failing field named at once.
 */
class PayloadConstraintsTests {

  static final ObjectMapper JSON = KairosJson.newObjectMapper();

  /** A record as a Spring developer writes one: each constraint once. */
  record Transfer(
      @NotNull String account,
      @NotBlank String reference,
      @Size(min = 2, max = 5) String code,
      @Min(1) @Max(10) int quantity,
      @Positive long amountCents,
      @PositiveOrZero Integer fee,
      @DecimalMin("0.5") BigDecimal rate,
      @Pattern(regexp = "[A-Z]{3}") String currency,
      @Email String email,
      @JsonProperty(required = true) String memo,
      Map<String, String> tags) {}

  static final JobType<Transfer> TRANSFER = new JobType<>("transfer", Transfer.class, "Transfers");
  static final JobCatalogue CATALOGUE = new JobCatalogue(List.of(TRANSFER), JSON);

  static ObjectNode valid() {
    ObjectNode payload = JSON.createObjectNode();
    payload
        .put("account", "acc-1")
        .put("reference", "INV-7")
        .put("code", "AB")
        .put("quantity", 3)
        .put("amountCents", 100)
        .put("fee", 0)
        .put("rate", 0.5)
        .put("currency", "EUR")
        .put("email", "ada@example.com")
        .put("memo", "rent");
    payload.putObject("tags").put("team", "billing");
    return payload;
  }

  @Test
  void eachConstraintIsPublishedInTheSchema() {
    JsonNode schema = new PayloadSchemas().schemaOf(Transfer.class);

    assertThat(schema.get("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("account", "reference", "memo");
    assertThat(schema.at("/properties/reference/minLength").asInt()).isEqualTo(1);
    assertThat(schema.at("/properties/reference/pattern").asText())
        .isEqualTo(PayloadSchemas.NOT_BLANK);
    assertThat(schema.at("/properties/code/minLength").asInt()).isEqualTo(2);
    assertThat(schema.at("/properties/code/maxLength").asInt()).isEqualTo(5);
    assertThat(schema.at("/properties/quantity/minimum").asInt()).isEqualTo(1);
    assertThat(schema.at("/properties/quantity/maximum").asInt()).isEqualTo(10);
    assertThat(schema.at("/properties/amountCents/exclusiveMinimum").asInt()).isZero();
    assertThat(schema.at("/properties/fee/minimum").asInt()).isZero();
    assertThat(schema.at("/properties/rate/minimum").decimalValue())
        .isEqualByComparingTo(new BigDecimal("0.5"));
    // Bean Validation matches the whole value; a JSON Schema pattern may match anywhere.
    assertThat(schema.at("/properties/currency/pattern").asText()).isEqualTo("^(?:[A-Z]{3})$");
    assertThat(schema.at("/properties/email/format").asText()).isEqualTo("email");
    assertThat(schema.at("/properties/tags/additionalProperties/type").asText())
        .isEqualTo("string");
  }

  @Test
  void aValidPayloadBindsAndNullsStandForAbsentFields() {
    assertThat(CATALOGUE.bind(TRANSFER, valid()).currency()).isEqualTo("EUR");

    ObjectNode withNulls = valid();
    withNulls.putNull("fee").putNull("email").putNull("tags").putNull("code");
    assertThat(CATALOGUE.bind(TRANSFER, withNulls).email()).isNull();
  }

  @Test
  void everyFailingFieldIsNamedAtOnce() {
    ObjectNode payload = JSON.createObjectNode();
    payload
        .put("reference", "   ")
        .put("code", "ABCDEF")
        .put("quantity", 11)
        .put("amountCents", -1)
        .put("fee", -1)
        .put("rate", 0.25)
        .put("currency", "xEURx")
        .put("email", "not an address");

    assertThatThrownBy(() -> CATALOGUE.bind(TRANSFER, payload))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid -> {
              assertThat(invalid.problems())
                  .extracting(Problem::field)
                  .containsExactlyInAnyOrder(
                      "payload.account",
                      "payload.reference",
                      "payload.code",
                      "payload.quantity",
                      "payload.amountCents",
                      "payload.fee",
                      "payload.rate",
                      "payload.currency",
                      "payload.email",
                      "payload.memo");
              assertThat(invalid.getMessage())
                  .contains("payload.account is required")
                  .contains("payload.memo is required")
                  .contains("payload.quantity must have a maximum value of 10");
              assertThat(invalid.field()).isEqualTo(invalid.problems().get(0).field());
            });

    ObjectNode nullRequired = valid();
    nullRequired.putNull("account");
    assertThatThrownBy(() -> CATALOGUE.bind(TRANSFER, nullRequired))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid -> assertThat(invalid.field()).isEqualTo("payload.account"));
  }

  @Test
  void wrongTypesInTwoFieldsAreBothNamed() {
    ObjectNode payload = valid().put("quantity", "three").put("amountCents", "lots");
    payload.put("colour", "red");

    assertThatThrownBy(() -> CATALOGUE.bind(TRANSFER, payload))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid ->
                assertThat(invalid.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "payload.quantity", "payload.amountCents", "payload.colour"));
  }

  @Test
  void valuesGivenAsStringsAsInConfigurationAreCheckedAsTheRecordHoldsThem() {
    ObjectNode fromProperties = valid().put("quantity", "3").put("amountCents", "100");
    assertThat(CATALOGUE.bind(TRANSFER, fromProperties).amountCents()).isEqualTo(100);

    ObjectNode negative = valid().put("amountCents", "-1");
    assertThatThrownBy(() -> CATALOGUE.bind(TRANSFER, negative))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid ->
                assertThat(invalid.problems())
                    .extracting(Problem::field)
                    .containsExactly("payload.amountCents"));
  }

  /** Fields whose schemas name a format that only binding judges. */
  record Appointment(LocalDateTime at, URI link, Duration length) {}

  @Test
  void onlyTheEmailFormatIsAssertedOthersAreLeftToBinding() {
    JobType<Appointment> appointment = new JobType<>("appointment", Appointment.class, "");
    JobCatalogue catalogue = new JobCatalogue(List.of(appointment), JSON);
    ObjectNode payload =
        JSON.createObjectNode()
            .put("at", "2030-01-02T09:30:00")
            .put("link", "relative/path")
            .put("length", "PT0.5S");

    assertThat(catalogue.bind(appointment, payload).length()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aPrimitiveFieldRefusesNullAsBindingWould() {
    ObjectNode payload = valid();
    payload.putNull("quantity");
    assertThatThrownBy(() -> CATALOGUE.bind(TRANSFER, payload))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            invalid -> assertThat(invalid.field()).isEqualTo("payload.quantity"));
  }
}
