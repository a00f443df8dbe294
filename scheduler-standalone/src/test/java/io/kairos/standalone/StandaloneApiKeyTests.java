package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneApiKeyTests {

  @TempDir Path dataDirectory;

  @Test
  void withoutKairosApiKeyAKeyIsGeneratedOnceAndKeptInTheDataDirectory() throws Exception {
    Optional<String> first = StandaloneKairos.apiKeyUnlessGiven(dataDirectory, null);
    Optional<String> second = StandaloneKairos.apiKeyUnlessGiven(dataDirectory, "");

    assertThat(first).isPresent();
    assertThat(first.get()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(second).isEqualTo(first);
    Path file = dataDirectory.resolve(StandaloneKairos.API_KEY_FILE);
    assertThat(Files.readString(file).strip()).isEqualTo(first.get());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void withKairosApiKeyNothingIsGeneratedOrSaved() throws Exception {
    assertThat(StandaloneKairos.apiKeyUnlessGiven(dataDirectory, "an-operator-key")).isEmpty();
    assertThat(dataDirectory.resolve(StandaloneKairos.API_KEY_FILE)).doesNotExist();
  }
}
