package io.kairos.api.security;

/** The caller's key lacks the scope an endpoint needs (403). */
public class MissingScopeException extends RuntimeException {

  private final String requiredScope;

  MissingScopeException(String keyName, Scope required) {
    super("the API key '" + keyName + "' lacks the scope " + required.text());
    this.requiredScope = required.text();
  }

  public String requiredScope() {
    return requiredScope;
  }
}
