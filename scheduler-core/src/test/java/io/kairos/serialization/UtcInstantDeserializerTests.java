package io.kairos.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.kairos.job.JobData;
import io.kairos.job.ScheduleSpec;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Instants read by hand read exactly as Jackson's own reader reads them, or are left to it. */
class UtcInstantDeserializerTests {

  private final ObjectMapper kairos = KairosJson.newObjectMapper();

  @Test
  void everyInstantKairosWritesReadsBackTheSame() throws JsonProcessingException {
    SplittableRandom random = new SplittableRandom(28);
    for (int i = 0; i < 20_000; i++) {
      long second =
          random.nextLong(Instant.EPOCH.getEpochSecond(), ScheduleSpec.MAX_AT.getEpochSecond());
      // Whole seconds, millis, micros and nanos: each fraction length the writer leaves.
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(second, nanos);
      String written = kairos.writeValueAsString(instant);
      assertThat(kairos.readValue(written, Instant.class)).isEqualTo(instant);
      assertThat(UtcInstantDeserializer.parse(instant.toString())).isEqualTo(instant);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-03T14:27:51Z",
        "2026-12-03T14:27:51.1Z",
        "2026-12-03T14:27:51.12Z",
        "2026-12-03T14:27:51.1234Z",
        "2026-12-03T14:27:51.12345678Z",
        "2024-02-29T00:00:00.000000001Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z"
      })
  void anyFractionLengthReadsAsInstantParseReadsIt(String text) {
    assertThat(UtcInstantDeserializer.parse(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-03T15:27:51+01:00",
        "2026-12-03T23:59:60Z",
        "2026-12-03T24:00:00Z",
        "+12026-12-03T14:27:51Z",
        "2026-12-03T14:27:51.Z",
        "2026-12-03T14:27:51.1234567890Z",
        "2026-12-03 14:27:51Z",
        "2026-12-03T14:27:51z",
        "2026-1a-03T14:27:51Z"
      })
  void otherFormsAreLeftToTheGeneralReader(String text) throws JsonProcessingException {
    assertThat(UtcInstantDeserializer.parse(text)).isNull();
    // What the general reader makes of them is what Kairos made of them before.
    ObjectMapper general =
        new ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());
    String json = "\"" + text + "\"";
    Object expected;
    try {
      expected = general.readValue(json, Instant.class);
    } catch (JsonProcessingException e) {
      expected = e.getClass();
    }
    Object actual;
    try {
      actual = kairos.readValue(json, Instant.class);
    } catch (JsonProcessingException e) {
      actual = e.getClass();
    }
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z"})
  void impossibleDatesAreRefusedAsBefore(String text) {
    assertThat(UtcInstantDeserializer.parse(text)).isNull();
    assertThatThrownBy(() -> kairos.readValue("\"" + text + "\"", Instant.class))
        .isInstanceOf(InvalidFormatException.class);
  }

  @Test
  void taskDataWithAScheduleReadsItsInstant() {
    Instant at = Instant.parse("2026-12-03T14:27:51.123456Z");
    JsonSerializer taskData = new JsonSerializer(kairos);
    JobData data = JobData.first(kairos.createObjectNode(), ScheduleSpec.at(at), 3);
    assertThat(taskData.deserialize(JobData.class, taskData.serialize(data)).schedule().at())
        .isEqualTo(at);
    // Task data a release before this one wrote (the same text) reads the same.
    byte[] older =
        ("{\"payload\":{},\"schedule\":{\"at\":\""
                + DateTimeFormatter.ISO_INSTANT.format(at)
                + "\"},\"maxAttempts\":3,\"attempt\":1,\"recovered\":false}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(taskData.deserialize(JobData.class, older).schedule().at()).isEqualTo(at);
  }
}
