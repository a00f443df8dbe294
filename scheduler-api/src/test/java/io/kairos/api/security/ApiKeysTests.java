package io.kairos.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTests {

  static final String CI_KEY = "ci-key-123";
  static final String CI_HASH = HexFormat.of().formatHex(ApiKeys.sha256(CI_KEY));

  @Test
  void aConfiguredKeyIsKnownByItsHashWithItsScopes() {
    ApiKeys keys =
        new ApiKeys(
            new ApiKeyProperties(
                List.of(new ApiKeyProperties.Key("ci", CI_HASH, List.of("jobs:read"), null)),
                null,
                null));
    ApiPrincipal ci = keys.authenticate(CI_KEY).orElseThrow();
    assertThat(ci.getName()).isEqualTo("ci");
    assertThat(ci.may(Scope.JOBS_READ)).isTrue();
    assertThat(ci.may(Scope.JOBS_WRITE)).isFalse();
    assertThat(ci.may(Scope.ADMIN)).isFalse();
    assertThat(keys.authenticate("ci-key-124")).isEmpty();
    assertThat(keys.authenticate(CI_HASH)).isEmpty();
  }

  @Test
  void theOperatorKeyHasEveryScope() {
    ApiKeys keys =
        new ApiKeys(
            new ApiKeyProperties(
                List.of(), "operator-secret-0f3c8e1a6d9b4f2e7c5a3d8b1e6f9a2c", null));
    ApiPrincipal operator =
        keys.authenticate("operator-secret-0f3c8e1a6d9b4f2e7c5a3d8b1e6f9a2c").orElseThrow();
    assertThat(operator.getName()).isEqualTo("operator");
    assertThat(operator.may(Scope.ADMIN)).isTrue();
    assertThat(operator.may(Scope.JOBS_WRITE)).isTrue();
  }

  @Test
  void writingIncludesReadingAndAdminIncludesEverything() {
    assertThat(Scope.JOBS_WRITE.grants(Scope.JOBS_READ)).isTrue();
    assertThat(Scope.JOBS_READ.grants(Scope.JOBS_WRITE)).isFalse();
    assertThat(Scope.JOBS_WRITE.grants(Scope.ADMIN)).isFalse();
    assertThat(Scope.ADMIN.grants(Scope.JOBS_WRITE)).isTrue();
  }

  @Test
  void misconfiguredKeysStopTheApplicationWithAClearMessage() {
    assertThatThrownBy(
            () ->
                new ApiKeyProperties(
                    List.of(
                        new ApiKeyProperties.Key("ci", "not-a-hash", List.of("jobs:read"), null)),
                    null,
                    null))
        .hasMessageContaining("kairos.api.keys[0].sha256");
    assertThatThrownBy(
            () ->
                new ApiKeyProperties(
                    List.of(new ApiKeyProperties.Key("ci", CI_HASH, List.of("jobs:delete"), null)),
                    null,
                    null))
        .hasMessageContaining("unknown scope 'jobs:delete'");
    assertThatThrownBy(
            () ->
                new ApiKeyProperties(
                    List.of(
                        new ApiKeyProperties.Key("ci", CI_HASH, List.of("admin"), null),
                        new ApiKeyProperties.Key("ci", CI_HASH, List.of("admin"), null)),
                    null,
                    null))
        .hasMessageContaining("used twice");
  }

  @Test
  void twoKeysWithTheSameHashStopTheApplicationNamingTheProperty() {
    assertThatThrownBy(
            () ->
                new ApiKeyProperties(
                    List.of(
                        new ApiKeyProperties.Key("ci", CI_HASH, List.of("jobs:read"), null),
                        new ApiKeyProperties.Key(
                            "deploy", CI_HASH.toUpperCase(), List.of("admin"), null)),
                    null,
                    null))
        .hasMessageContaining("kairos.api.keys[1].sha256")
        .hasMessageContaining("kairos.api.keys[0]");
    String operator = "operator-secret-0f3c8e1a6d9b4f2e7c5a3d8b1e6f9a2c";
    String operatorHash = HexFormat.of().formatHex(ApiKeys.sha256(operator));
    assertThatThrownBy(
            () ->
                new ApiKeys(
                    new ApiKeyProperties(
                        List.of(
                            new ApiKeyProperties.Key(
                                "ci", operatorHash, List.of("jobs:read"), null)),
                        operator,
                        null)))
        .hasMessageContaining("kairos.api.keys[0].sha256")
        .hasMessageContaining("kairos.api.operator-key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(operator));
  }

  @Test
  void theOperatorKeyIsNeverPrinted() {
    assertThat(
            new ApiKeyProperties(
                    List.of(), "operator-secret-0f3c8e1a6d9b4f2e7c5a3d8b1e6f9a2c", null)
                .toString())
        .doesNotContain("operator-secret-0f3c8e1a6d9b4f2e7c5a3d8b1e6f9a2c");
  }
}
