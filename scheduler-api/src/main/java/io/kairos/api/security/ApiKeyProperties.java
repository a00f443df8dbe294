package io.kairos.api.security;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API keys, configured as SHA-256 hashes so the configuration holds no secret: {@code
 * kairos.api.keys[0].name}, {@code .sha256} (hex of SHA-256 of the key), {@code .scopes}, and
 * optionally {@code .quota.*}. {@code kairos.api.operator-key} (environment {@code KAIROS_API_KEY})
 * is an operator's key given in clear, with every scope; it is hashed on start and the clear text
 * is not kept. It must carry at least 128 bits by {@link KeyStrength}'s estimate, or start-up fails
 * naming the property: hashed keys cannot be measured, so they are the operators' care. {@code
 * kairos.api.quota.*} are the limits of keys without {@code admin} that their own entry leaves
 * unset.
 */
@ConfigurationProperties("kairos.api")
record ApiKeyProperties(@DefaultValue List<Key> keys, String operatorKey, Quota quota) {

  static final String OPERATOR = "operator";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  ApiKeyProperties {
    keys = keys == null ? List.of() : List.copyOf(keys);
    for (int i = 0; i < keys.size(); i++) {
      Key key = keys.get(i);
      String where = "kairos.api.keys[" + i + "]";
      if (key.name() == null || key.name().isBlank()) {
        throw new IllegalArgumentException(where + ".name is required");
      }
      if (key.sha256() == null || !SHA256_HEX.matcher(key.sha256()).matches()) {
        throw new IllegalArgumentException(
            where + ".sha256 must be the 64 hex digits of the key's SHA-256");
      }
      if (key.scopes() == null || key.scopes().isEmpty()) {
        throw new IllegalArgumentException(
            where + ".scopes is required: jobs:read, jobs:write and/or admin");
      }
      key.scopes().forEach(Scope::parse);
      for (int j = 0; j < i; j++) {
        if (keys.get(j).name().equals(key.name())) {
          throw new IllegalArgumentException(where + ".name '" + key.name() + "' is used twice");
        }
        if (keys.get(j).sha256().equalsIgnoreCase(key.sha256())) {
          // One key would carry the scopes of whichever entry comes first: say so, not guess.
          throw new IllegalArgumentException(
              where
                  + ".sha256 is the hash of kairos.api.keys["
                  + j
                  + "] too: one key cannot be two; give each key its own");
        }
      }
      if (key.quota() != null) {
        key.quota().check(where + ".quota");
      }
    }
    operatorKey = operatorKey == null || operatorKey.isBlank() ? null : operatorKey;
    if (quota != null) {
      quota.check("kairos.api.quota");
    }
  }

  /** One configured key. */
  record Key(String name, String sha256, List<String> scopes, Quota quota) {}

  @Override
  public String toString() {
    // Never print the operator key, even by accident.
    return "ApiKeyProperties[keys="
        + keys
        + ", operatorKey="
        + (operatorKey == null ? "" : "***")
        + ", quota="
        + quota
        + "]";
  }
}
