package io.kairos.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The client's one JSON mapper: thread-safe once configured, so it is shared. */
final class ClientJson {

  /**
   * Requests leave out null members: the API reads bodies strictly, and an absent member means its
   * default. Responses are read leniently: members and enum constants a newer API adds must not
   * break an older client (an unknown enum constant reads as null).
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);

  /**
   * For merge patches: a {@code Map}'s null values are kept, as they remove members; an object's
   * null properties are still left out.
   */
  private static final ObjectMapper PATCH_MAPPER =
      MAPPER
          .copy()
          .setDefaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS));

  private ClientJson() {}

  /** {@code value} as a merge patch: like {@link #tree}, keeping a map's null values. */
  static JsonNode patch(Object value) {
    if (value == null || value instanceof JsonNode) {
      return tree(value);
    }
    return PATCH_MAPPER.valueToTree(value);
  }

  /**
   * {@code value} as a JSON tree of its own (a JsonNode is copied, so later changes do not leak
   * in).
   */
  static JsonNode tree(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonNode node) {
      return node.deepCopy();
    }
    return MAPPER.valueToTree(value);
  }
}
