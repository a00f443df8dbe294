package io.kairos.serialization;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/** The one JSON configuration shared by task data, payload binding, worker and API. */
public final class KairosJson {

  private KairosJson() {}

  public static ObjectMapper newObjectMapper() {
    return configure(new ObjectMapper());
  }

  /** Applies Kairos's settings to a mapper (e.g. Spring Boot's own). */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new JavaTimeModule())
        // Registered after JavaTimeModule, so it reads instants in its place (falling back to it).
        .registerModule(
            new SimpleModule("KairosInstants")
                .addDeserializer(Instant.class, new UtcInstantDeserializer()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }
}
