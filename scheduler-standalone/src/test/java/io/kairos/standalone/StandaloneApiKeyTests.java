package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    assumeTrue(System.getenv(StandaloneKairos.API_KEY_VARIABLE) == null, "KAIROS_API_KEY is set");

    Optional<String> first = StandaloneKairos.apiKeyUnlessInEnvironment(dataDirectory);
    Optional<String> second = StandaloneKairos.apiKeyUnlessInEnvironment(dataDirectory);

    assertThat(first).isPresent();
    assertThat(first.get()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(second).isEqualTo(first);
    Path file = dataDirectory.resolve(StandaloneKairos.API_KEY_FILE);
    assertThat(Files.readString(file).strip()).isEqualTo(first.get());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
