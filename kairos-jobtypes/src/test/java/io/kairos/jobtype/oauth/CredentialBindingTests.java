package io.kairos.jobtype.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.job.InvalidJobException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a credential's token may go: URL prefixes matched by origin and path. */
class CredentialBindingTests {

  static boolean allows(String target, String url) {
    return new CredentialBinding(List.of(target), List.of()).allowsTarget(URI.create(url));
  }

  @Test
  void anOriginMatchesEveryPathOfThatOriginOnly() {
    assertThat(allows("https://api.crm.example", "https://api.crm.example/v2/contacts?x=1"))
        .isTrue();
    assertThat(allows("https://API.crm.example/", "https://api.CRM.example.:443/")).isTrue();
    assertThat(allows("https://api.crm.example", "http://api.crm.example/")).isFalse();
    assertThat(allows("https://api.crm.example", "https://api.crm.example:8443/")).isFalse();
    assertThat(allows("https://api.crm.example", "https://evil.example/")).isFalse();
    assertThat(allows("https://api.crm.example", "https://api.crm.example.evil.example/"))
        .isFalse();
    assertThat(allows("https://crm.example", "https://x.crm.example/")).isFalse();
    assertThat(allows("http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]:8080/")).isFalse();
    assertThat(allows("http://[::1]:8080", "http://[::1]:8080/a")).isTrue();
  }

  @Test
  void aPathPrefixMatchesItselfAndBelowButNotASiblingOrAnEscape() {
    String target = "https://api.crm.example/v2";
    assertThat(allows(target, "https://api.crm.example/v2")).isTrue();
    assertThat(allows(target, "https://api.crm.example/v2/contacts")).isTrue();
    assertThat(allows(target, "https://api.crm.example/v2x")).isFalse();
    assertThat(allows(target, "https://api.crm.example/v1/contacts")).isFalse();
    assertThat(allows(target, "https://api.crm.example/")).isFalse();
    assertThat(allows(target, "https://api.crm.example/v2/../admin")).isFalse();
    assertThat(allows(target, "https://api.crm.example/v2/./x")).isFalse();
    assertThat(allows(target, "https://api.crm.example/v2/%2e%2e/admin")).isFalse();
    assertThat(allows(target, "https://api.crm.example/v2%2F..%2Fadmin")).isFalse();
    assertThat(allows("https://api.crm.example/v2/", "https://api.crm.example/v2/x")).isTrue();
    assertThat(allows("https://api.crm.example/v2/", "https://api.crm.example/v2")).isFalse();
  }

  @Test
  void targetsAreUrlPrefixesWithoutUserQueryFragmentOrEscapes() {
    for (String bad :
        List.of(
            "",
            "crm.example",
            "ftp://crm.example",
            "https://user@crm.example",
            "https://crm.example/?q=1",
            "https://crm.example/#f",
            "https://crm.example/a/../b",
            "https://crm.example/%41",
            "/relative")) {
      assertThatThrownBy(() -> new CredentialBinding(List.of(bad), List.of()))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("allowedTargets[0]"));
    }
    assertThatThrownBy(() -> new CredentialBinding(List.of("https://a.example"), List.of("a b")))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("allowedKeys[0]"));
    CredentialBinding binding =
        new CredentialBinding(
            List.of("HTTPS://Crm.Example:443/", "https://crm.example"), List.of("billing"));
    assertThat(binding.allowedTargets()).containsExactly("https://crm.example");
    assertThat(binding.allowsKey("billing")).isTrue();
    assertThat(binding.allowsKey("Billing")).isFalse();
    assertThat(CredentialBinding.NONE.allowsTarget(URI.create("https://crm.example/"))).isFalse();
  }
}
