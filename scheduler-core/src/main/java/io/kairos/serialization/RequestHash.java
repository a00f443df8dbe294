package io.kairos.serialization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The hash a job keeps of the request that created it, so the same request again is a replay: the
 * SHA-256 of its canonical JSON, with object members sorted by name and null members left out. A
 * client's retry matches however it orders its JSON, and a field added later (absent, so null) does
 * not change older requests' hashes.
 */
public final class RequestHash {

  private RequestHash() {}

  public static String of(ObjectMapper json, JsonNode request) {
    try {
      return Sha256.hex(json.writeValueAsBytes(canonical(json, request)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode canonical(ObjectMapper json, JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = json.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.stream()
          .sorted()
          .filter(name -> !node.get(name).isNull())
          .forEach(name -> out.set(name, canonical(json, node.get(name))));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = json.createArrayNode();
      node.forEach(element -> out.add(canonical(json, element)));
      return out;
    }
    return node;
  }
}
