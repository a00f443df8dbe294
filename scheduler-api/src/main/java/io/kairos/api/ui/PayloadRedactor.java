package io.kairos.api.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A payload as the dashboard shows it: values that may be secrets replaced by {@code ***}. Payloads
 * are not secret storage, but a screen is easily shared: every value of a {@code headers} object
 * (webhook headers carry credentials), every field named like a secret (password, secret, token,
 * api key, authorization, cookie, signature, private key), and the user-info and secret-named query
 * parameters of URLs.
 */
final class PayloadRedactor {

  static final String MASK = "***";
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(password|passwd|passphrase|secret|token|api[-_]?key|authorization|cookie"
              + "|signature|private[-_]?key).*");

  private PayloadRedactor() {}

  static JsonNode redact(JsonNode payload) {
    if (payload == null) {
      return null;
    }
    return redact(payload, false);
  }

  static boolean secretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  private static JsonNode redact(JsonNode node, boolean maskValues) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        JsonNode value = field.getValue();
        if (value.isNull()) {
          out.set(name, value);
        } else if (maskValues || secretName(name)) {
          out.set(name, TextNode.valueOf(MASK));
        } else {
          out.set(name, redact(value, name.equalsIgnoreCase("headers") && value.isObject()));
        }
      }
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(redact(element, maskValues)));
      return out;
    }
    if (node.isTextual()) {
      return maskValues ? TextNode.valueOf(MASK) : TextNode.valueOf(url(node.asText()));
    }
    return maskValues ? TextNode.valueOf(MASK) : node;
  }

  /** An http(s) URL without its user-info and with secret-named query values masked. */
  static String url(String text) {
    if (!(text.startsWith("http://") || text.startsWith("https://"))) {
      return text;
    }
    try {
      URI uri = new URI(text);
      String query = uri.getRawQuery();
      if (uri.getRawUserInfo() == null && query == null) {
        return text;
      }
      StringBuilder out = new StringBuilder(uri.getScheme()).append("://");
      if (uri.getRawUserInfo() != null) {
        out.append(MASK).append('@');
      }
      out.append(uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1));
      if (uri.getRawPath() != null) {
        out.append(uri.getRawPath());
      }
      if (query != null) {
        out.append('?');
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
          int eq = pairs[i].indexOf('=');
          String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
          out.append(i == 0 ? "" : "&")
              .append(eq >= 0 && secretName(name) ? name + "=" + MASK : pairs[i]);
        }
      }
      if (uri.getRawFragment() != null) {
        out.append('#').append(uri.getRawFragment());
      }
      return out.toString();
    } catch (URISyntaxException | RuntimeException e) {
      return text; // not a URL after all
    }
  }
}
