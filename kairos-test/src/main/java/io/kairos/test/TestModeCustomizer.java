package io.kairos.test;

import io.kairos.testing.TestDatabases;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
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
 * database, dropped when the context closes (on the server in {@code KAIROS_TEST_JDBC_URL}; see
 * {@link TestDatabases}).
 */
record TestModeCustomizer() implements ContextCustomizer {

  static final String SOURCE_NAME = "kairosTestMode";
  private static final String DATASOURCE_URL = "spring.datasource.url";
  private static final String DATABASE_RELEASE = "kairosTestDatabaseRelease";

  @Override
  public void customizeContext(
      ConfigurableApplicationContext context, MergedContextConfiguration merged) {
    Map<String, Object> settings = new LinkedHashMap<>(KairosTestKitProperties.TEST_MODE);
    if (!testSetsDatasource(merged)) {
      TestDatabases.TestDatabase database = TestDatabases.newOwnedDatabase();
      releaseOnClose(context, database);
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

  /**
   * Drops the context's database as the context closes, after its pools closed: registered before
   * any bean exists, it is the last one destroyed.
   */
  private static void releaseOnClose(
      ConfigurableApplicationContext context, TestDatabases.TestDatabase database) {
    if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry beans) {
      beans.registerDisposableBean(DATABASE_RELEASE, database::release);
    }
  }

  private static boolean testSetsDatasource(MergedContextConfiguration merged) {
    return TestPropertySourceUtils.convertInlinedPropertiesToMap(
            merged.getPropertySourceProperties())
        .containsKey(DATASOURCE_URL);
  }
}
