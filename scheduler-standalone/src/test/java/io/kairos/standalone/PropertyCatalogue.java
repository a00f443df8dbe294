package io.kairos.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Whether an environment variable sets anything in one Spring Boot application, decided by Spring
 * Boot's own binder rather than by re-implementing its rules: the variable is put in a {@code
 * systemEnvironment} property source next to the application's configuration file, every
 * configuration class and key of the application is bound with and without it, and the variable
 * counts as bound when a result differs (or binding it fails for its value). So {@code
 * KAIROS_EMAIL_HOST} binds (through the {@code ${KAIROS_EMAIL_HOST:}} placeholder in {@code
 * kairos-worker.yml}), {@code KAIROS_JOBS_0_ID} binds {@code kairos.jobs[0].id}, {@code
 * DB_SCHEDULER_THREADS} binds {@code db-scheduler.threads}, and {@code KAIROS_EMAIL_HOTS} binds
 * nothing.
 *
 * <p>What is bound, found rather than listed: the {@code @ConfigurationProperties} classes in the
 * application's packages, the keys of {@code @Value("${…}")} there, and Spring Boot's own
 * properties from the configuration metadata its jars carry ({@code server.port}, {@code
 * spring.datasource.url}, maps such as {@code logging.level}).
 */
final class PropertyCatalogue {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\[\\]-]+)[:}]");

  private record Root(String prefix, Class<?> type) {}

  private final List<PropertySource<?>> configFile;
  private final String configText;
  private final List<Root> roots = new ArrayList<>();
  private final Set<String> keys = new LinkedHashSet<>();
  private final Set<String> mapKeys = new LinkedHashSet<>();

  private PropertyCatalogue(String configFile) {
    try {
      ClassPathResource resource = new ClassPathResource(configFile);
      this.configFile = new YamlPropertySourceLoader().load(configFile, resource);
      this.configText = resource.getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(configFile + " cannot be read", e);
    }
  }

  /**
   * @param configFile the application's configuration file on the class path (its {@code
   *     spring.config.name}), e.g. {@code kairos-worker.yml}
   * @param packages where the application's (and its libraries') configuration classes are
   */
  static PropertyCatalogue of(String configFile, String... packages) {
    PropertyCatalogue catalogue = new PropertyCatalogue(configFile);
    for (String pkg : packages) {
      catalogue.scan(pkg);
    }
    catalogue.readSpringBootMetadata();
    return catalogue;
  }

  /**
   * What {@code variable=value} sets: the prefix of the configuration class or the key it reaches
   * (or, for a placeholder of the configuration file no class shows, {@code ${VARIABLE}}), with
   * "(refused: …)" when it binds but its value is not accepted; empty when Spring Boot would ignore
   * it.
   */
  Optional<String> bindingOf(String variable, String value) {
    Binder without = binder(Map.of());
    Binder with = binder(Map.of(variable, value));
    String squashed = squash(variable);
    for (Root root : roots) {
      if (squashed.startsWith(squash(root.prefix()))) {
        Optional<String> difference =
            difference(
                root.prefix(),
                () -> without.bindOrCreate(root.prefix(), root.type()),
                () -> with.bindOrCreate(root.prefix(), root.type()));
        if (difference.isPresent()) {
          return difference;
        }
      }
    }
    for (String key : keys) {
      if (squashed.equals(squash(key))) {
        Optional<String> difference =
            difference(
                key,
                () -> without.bind(key, String.class).orElse(null),
                () -> with.bind(key, String.class).orElse(null));
        if (difference.isPresent()) {
          return difference;
        }
      }
    }
    Bindable<Map<String, String>> map = Bindable.mapOf(String.class, String.class);
    for (String key : mapKeys) {
      if (squashed.startsWith(squash(key))) {
        Optional<String> difference =
            difference(
                key,
                () -> without.bind(key, map).orElse(null),
                () -> with.bind(key, map).orElse(null));
        if (difference.isPresent()) {
          return difference;
        }
      }
    }
    // Used by a property none of the above shows, e.g. spring.datasource.url: ${KAIROS_DB_URL}.
    if (configText.contains("${" + variable + ":") || configText.contains("${" + variable + "}")) {
      return Optional.of("${" + variable + "}");
    }
    return Optional.empty();
  }

  private interface Binding {
    Object bind();
  }

  /**
   * The name, when binding with the variable gives another result than without; each side is bound
   * twice, so that a default that differs every time (a random node name) is not taken for the
   * variable's doing.
   */
  private static Optional<String> difference(String name, Binding without, Binding with) {
    Object before = without.bind();
    Object beforeAgain = without.bind();
    Object after;
    Object afterAgain;
    try {
      after = with.bind();
      afterAgain = with.bind();
    } catch (BindException e) {
      if (e.getCause() instanceof UnboundConfigurationPropertiesException) {
        // Spring Boot refuses to start then, naming what it could not bind: not bound.
        return Optional.empty();
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Optional.of(name + " (refused: " + cause.getMessage() + ")");
    }
    return changed(before, beforeAgain, after, afterAgain, 0)
        ? Optional.of(name)
        : Optional.empty();
  }

  /**
   * Whether a value changed, part by part: records by their components, beans (db-scheduler's) by
   * their properties. A part that is stable on both sides changed if it differs; one that varies
   * without the variable changed if the variable made it stable.
   */
  private static boolean changed(Object b1, Object b2, Object a1, Object a2, int depth) {
    if (depth < 5 && b1 != null && a1 != null && b1.getClass().equals(a1.getClass())) {
      Class<?> type = b1.getClass();
      if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          if (changed(
              read(component, b1),
              read(component, b2),
              read(component, a1),
              read(component, a2),
              depth + 1)) {
            return true;
          }
        }
        return false;
      }
      if (!BeanUtils.isSimpleValueType(type)
          && !type.getName().startsWith("java.")
          && !type.isEnum()) {
        BeanWrapper[] sides = {
          new BeanWrapperImpl(b1),
          new BeanWrapperImpl(b2),
          new BeanWrapperImpl(a1),
          new BeanWrapperImpl(a2)
        };
        for (var property : sides[0].getPropertyDescriptors()) {
          String p = property.getName();
          if (property.getReadMethod() != null
              && !p.equals("class")
              && changed(
                  sides[0].getPropertyValue(p),
                  sides[1].getPropertyValue(p),
                  sides[2].getPropertyValue(p),
                  sides[3].getPropertyValue(p),
                  depth + 1)) {
            return true;
          }
        }
        return false;
      }
    }
    boolean stableBefore = Objects.equals(b1, b2);
    boolean stableAfter = Objects.equals(a1, a2);
    if (stableBefore && stableAfter) {
      return !Objects.equals(b1, a1);
    }
    return !stableBefore && stableAfter;
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      Method accessor = component.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Environment variables, then the configuration file, with its placeholders resolved. */
  private Binder binder(Map<String, Object> variables) {
    MutablePropertySources sources = new MutablePropertySources();
    // Spring Boot maps variable names to properties only in a source of this name.
    sources.addLast(
        new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    configFile.forEach(sources::addLast);
    return new Binder(
        ConfigurationPropertySources.from(sources),
        new PropertySourcesPlaceholdersResolver(sources));
  }

  /** {@code KAIROS_WORKER_TYPE-TIMEOUTS} and {@code kairos.worker.typeTimeouts} alike. */
  private static String squash(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
  }

  private void scan(String pkg) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false) {
          @Override
          protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
            return true; // nested and package-private classes too
          }
        };
    scanner.addIncludeFilter((reader, factory) -> true);
    for (BeanDefinition definition : scanner.findCandidateComponents(pkg)) {
      Class<?> type;
      try {
        type = Class.forName(definition.getBeanClassName(), false, getClass().getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue; // a library's optional dependency absent here
      }
      MergedAnnotation<ConfigurationProperties> properties =
          MergedAnnotations.from(type).get(ConfigurationProperties.class);
      if (properties.isPresent()) {
        String prefix = properties.getString("prefix");
        roots.add(new Root(prefix.isEmpty() ? properties.getString("value") : prefix, type));
      }
      collectValueKeys(type);
    }
  }

  private void collectValueKeys(Class<?> type) {
    List<AnnotatedElement> elements = new ArrayList<>();
    try {
      elements.addAll(List.of(type.getDeclaredFields()));
      for (var constructor : type.getDeclaredConstructors()) {
        elements.addAll(List.of(constructor.getParameters()));
      }
      for (Method method : type.getDeclaredMethods()) {
        elements.addAll(List.of(method.getParameters()));
      }
    } catch (LinkageError e) {
      return;
    }
    for (AnnotatedElement element : elements) {
      Value value = element.getAnnotation(Value.class);
      if (value != null) {
        Matcher matcher = PLACEHOLDER.matcher(value.value());
        while (matcher.find()) {
          keys.add(matcher.group(1));
        }
      }
    }
  }

  private void readSpringBootMetadata() {
    ObjectMapper json = new ObjectMapper();
    for (String file :
        List.of(
            "META-INF/spring-configuration-metadata.json",
            "META-INF/additional-spring-configuration-metadata.json")) {
      try {
        Enumeration<URL> resources = getClass().getClassLoader().getResources(file);
        while (resources.hasMoreElements()) {
          for (JsonNode property : json.readTree(resources.nextElement()).path("properties")) {
            String name = property.path("name").asText();
            if (name.startsWith("kairos.")) {
              // Kairos's own are found in the application's code above. The metadata on this class
              // path is every module's, the other application's too.
              continue;
            }
            if (property.path("type").asText("").startsWith("java.util.Map")) {
              mapKeys.add(name);
            } else {
              keys.add(name);
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
