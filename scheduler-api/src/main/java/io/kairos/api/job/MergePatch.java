package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396): an object patch changes the members it names, {@code null} removes
 * one, nested objects are patched member by member, anything else replaces the value whole.
 */
public final class MergePatch {

  private MergePatch() {}

  /** {@code target} with {@code patch} applied; neither is changed. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      return patch == null ? null : patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> members = patch.fields();
    while (members.hasNext()) {
      Map.Entry<String, JsonNode> member = members.next();
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }

  /**
   * The patch that turns {@code source} into {@code target}, naming only what differs: members
   * {@code target} lacks become {@code null}; numbers are equal when their values are.
   */
  public static JsonNode between(JsonNode source, JsonNode target) {
    if (source == null || !source.isObject() || !target.isObject()) {
      return target.deepCopy();
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    source
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!target.has(name)) {
                patch.putNull(name);
              }
            });
    Iterator<Map.Entry<String, JsonNode>> members = target.fields();
    while (members.hasNext()) {
      Map.Entry<String, JsonNode> member = members.next();
      JsonNode before = source.get(member.getKey());
      if (!same(before, member.getValue())) {
        patch.set(member.getKey(), between(before, member.getValue()));
      }
    }
    return patch;
  }

  /** Equal JSON, comparing numbers by value (a form's 5 is the stored 5). */
  public static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals((x, y) -> sameValue(x, y) ? 0 : 1, b);
  }

  private static boolean sameValue(JsonNode x, JsonNode y) {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue()) == 0;
    }
    return x.equals(y);
  }
}
