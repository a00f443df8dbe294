package io.kairos.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The known API keys, as hashes only, each with its scopes and quota.
 *
 * <p>Unsalted SHA-256 is enough here because keys are random secrets of at least 128 bits (checked
 * for the operator key, required in the README for hashed ones): salting and slow hashes protect
 * guessable secrets such as passwords from dictionary and brute-force searches, and there is no
 * dictionary of random 128-bit strings, nor a way to search 2^128 of them. Keeping plain SHA-256
 * also keeps every configured hash valid.
 */
public final class ApiKeys {

  private final List<Entry> entries;

  ApiKeys(ApiKeyProperties properties) {
    List<Entry> list = new ArrayList<>();
    if (properties.operatorKey() != null) {
      requireStrong(properties.operatorKey());
      list.add(
          new Entry(
              ApiKeyProperties.OPERATOR,
              sha256(properties.operatorKey()),
              EnumSet.allOf(Scope.class),
              Quota.NONE));
    }
    Quota defaults =
        properties.quota() == null
            ? Quota.NON_ADMIN_DEFAULTS
            : properties.quota().orElse(Quota.NON_ADMIN_DEFAULTS);
    for (ApiKeyProperties.Key key : properties.keys()) {
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      key.scopes().forEach(text -> scopes.add(Scope.parse(text)));
      Quota own = key.quota() == null ? Quota.NONE : key.quota();
      Quota quota = scopes.contains(Scope.ADMIN) ? own : own.orElse(defaults);
      byte[] hash = HexFormat.of().parseHex(key.sha256());
      if (!list.isEmpty()
          && list.get(0).name().equals(ApiKeyProperties.OPERATOR)
          && MessageDigest.isEqual(list.get(0).hash(), hash)) {
        throw new IllegalStateException(
            "kairos.api.keys["
                + properties.keys().indexOf(key)
                + "].sha256 is the hash of kairos.api.operator-key (KAIROS_API_KEY): one key"
                + " cannot be two; give each key its own");
      }
      list.add(new Entry(key.name(), hash, scopes, quota));
    }
    this.entries = List.copyOf(list);
  }

  /**
   * The operator key, given in clear, must carry at least 128 bits by {@link KeyStrength}'s
   * estimate. Hashed keys cannot be measured; the README asks for 128 random bits. Checked here
   * rather than while binding, because Spring Boot's report of a binding failure prints the value.
   */
  private static void requireStrong(String operatorKey) {
    double bits = KeyStrength.estimatedBits(operatorKey);
    if (bits < KeyStrength.MIN_BITS) {
      throw new IllegalStateException(
          "kairos.api.operator-key (KAIROS_API_KEY) is too weak: about "
              + (int) bits
              + " bits by length × log2(alphabet), at least "
              + KeyStrength.MIN_BITS
              + " are required; use e.g. 32 random letters and digits: head -c 32 /dev/urandom"
              + " | base64 | tr -d '/+='");
    }
  }

  /** The key's owner, if the presented key is known. Compares every hash in constant time. */
  public Optional<ApiPrincipal> authenticate(String presentedKey) {
    byte[] hash = sha256(presentedKey);
    ApiPrincipal found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
        found = new ApiPrincipal(entry.name(), entry.scopes(), entry.quota());
      }
    }
    return Optional.ofNullable(found);
  }

  List<String> names() {
    return entries.stream().map(Entry::name).toList();
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Entry(String name, byte[] hash, Set<Scope> scopes, Quota quota) {}
}
