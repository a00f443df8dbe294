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

/** The known API keys, as hashes only. */
public final class ApiKeys {

  private final List<Entry> entries;

  ApiKeys(ApiKeyProperties properties) {
    List<Entry> list = new ArrayList<>();
    if (properties.operatorKey() != null) {
      list.add(
          new Entry(
              ApiKeyProperties.OPERATOR,
              sha256(properties.operatorKey()),
              EnumSet.allOf(Scope.class)));
    }
    for (ApiKeyProperties.Key key : properties.keys()) {
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      key.scopes().forEach(text -> scopes.add(Scope.parse(text)));
      list.add(new Entry(key.name(), HexFormat.of().parseHex(key.sha256()), scopes));
    }
    this.entries = List.copyOf(list);
  }

  /** The key's owner, if the presented key is known. Compares every hash in constant time. */
  public Optional<ApiPrincipal> authenticate(String presentedKey) {
    byte[] hash = sha256(presentedKey);
    ApiPrincipal found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
        found = new ApiPrincipal(entry.name(), entry.scopes());
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

  private record Entry(String name, byte[] hash, Set<Scope> scopes) {}
}
