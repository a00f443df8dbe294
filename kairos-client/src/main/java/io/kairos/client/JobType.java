package io.kairos.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A job type the deployment knows, with the JSON Schema (draft 2020-12) of its payload. */
public record JobType(String name, String description, JsonNode payloadSchema) {

  public JobType {
    payloadSchema = ClientJson.tree(payloadSchema);
  }

  /** A copy of the schema: changing it changes nothing here. */
  @Override
  public JsonNode payloadSchema() {
    return ClientJson.tree(payloadSchema);
  }
}
