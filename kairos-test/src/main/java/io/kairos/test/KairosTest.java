package io.kairos.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Test mode for a {@code @SpringBootTest} of an application with the Kairos starter: its worker
 * runs due jobs only when the test calls {@link KairosTestKit#runDue()}, on the test's thread, at
 * the kit's clock, which moves only when the test moves it. Autowire {@link KairosTestKit}.
 *
 * <p>Unless the test sets {@code spring.datasource.url} itself ({@code @SpringBootTest(properties =
 * ..)} or {@code @TestPropertySource(properties = ..)}), each application context gets a fresh
 * PostgreSQL database: on the server in {@code KAIROS_TEST_JDBC_URL} (user {@code
 * KAIROS_TEST_JDBC_USER}, password {@code KAIROS_TEST_JDBC_PASSWORD}), else on an embedded
 * PostgreSQL. The settings test mode changes are listed in {@link KairosTestKitProperties}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(TestModeCustomizerFactory.class)
public @interface KairosTest {}
