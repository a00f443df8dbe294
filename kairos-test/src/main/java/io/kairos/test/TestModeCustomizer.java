package io.kairos.test;

import io.kairos.testing.TestDatabases;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Adds test mode's settings ({@link KairosTestKitProperties#TEST_MODE}) and, unless the test names
 * its own, a fresh database, just below the test's own properties: above the application's
 * configuration files, so the application's {@code spring.datasource.*} for production does not
 * reach the test, while a test can still override any of these. Runs once per application context
 * (Spring caches contexts; all customizers of this kind are equal), so each context has its own
 * database.
 */
record TestModeCustomizer() implements ContextCustomizer {

  static final String SOURCE_NAME = "kairosTestMode";
  private static final String DATASOURCE_URL = "spring.datasource.url";

  @Override
  public void customizeContext(
      ConfigurableApplicationContext context, MergedContextConfiguration merged) {
    Map<String, Object> settings = new LinkedHashMap<>(KairosTestKitProperties.TEST_MODE);
    if (!testSetsDatasource(merged)) {
      TestDatabases.TestDatabase database = TestDatabases.newDatabase();
      settings.put(DATASOURCE_URL, database.jdbcUrl());
      settings.put("spring.datasource.username", database.user());
      settings.put(
          "spring.datasource.password", database.password() == null ? "" : database.password());
    }
    MutablePropertySources sources = context.getEnvironment().getPropertySources();
    MapPropertySource testMode = new MapPropertySource(SOURCE_NAME, settings);
    String inlined = TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME;
    if (sources.contains(inlined)) {
      sources.addAfter(inlined, testMode);
    } else {
      sources.addFirst(testMode);
    }
  }

  private static boolean testSetsDatasource(MergedContextConfiguration merged) {
    return TestPropertySourceUtils.convertInlinedPropertiesToMap(
            merged.getPropertySourceProperties())
        .containsKey(DATASOURCE_URL);
  }
}
