package io.kairos.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.BeanUtils;
import org.springframework.core.ResolvableType;

/**
 * Kairos's own properties ({@code kairos.*}) as the configuration metadata on the class path
 * declares them: the {@code META-INF/spring-configuration-metadata.json} that Spring Boot's
 * configuration processor writes for every module with {@code @ConfigurationProperties} classes,
 * and the {@code additional-spring-configuration-metadata.json} files that declare the properties
 * read with {@code @Value} or from the {@code Environment}.
 *
 * <p>The metadata names a list, map or nested object once ({@code kairos.jobs}, {@code
 * kairos.api.quota}); a name below it ({@code kairos.jobs[n].schedule.cron}, {@code
 * kairos.api.quota.active-jobs}, {@code kairos.worker.retry.types.<type>.*}) is resolved against
 * the Java type the metadata gives, so a misspelt member is not taken for a real one.
 */
final class KairosConfigurationMetadata {

  static final String PREFIX = "kairos.";

  private static final List<String> FILES =
      List.of(
          "META-INF/spring-configuration-metadata.json",
          "META-INF/additional-spring-configuration-metadata.json");

  /** Segments of a name below a property: {@code [n]}, {@code <type>}, {@code *}, or a key. */
  private static final Pattern SEGMENT = Pattern.compile("\\[[^\\]]*\\]|[^.\\[\\]]+");

  /** The properties, each with its type. */
  private final Map<String, String> typeByName;

  /** The properties and the groups (a properties class or nested object: {@code kairos.email}). */
  private final Map<String, String> typeByPrefix;

  private KairosConfigurationMetadata(
      Map<String, String> typeByName, Map<String, String> typeByPrefix) {
    this.typeByName = typeByName;
    this.typeByPrefix = typeByPrefix;
  }

  /** The {@code kairos.*} properties of every metadata file this class loader sees. */
  static KairosConfigurationMetadata fromClassPath() {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> types = new TreeMap<>();
    Map<String, String> prefixes = new TreeMap<>();
    ClassLoader loader = KairosConfigurationMetadata.class.getClassLoader();
    try {
      for (String file : FILES) {
        Enumeration<URL> resources = loader.getResources(file);
        while (resources.hasMoreElements()) {
          JsonNode metadata = json.readTree(resources.nextElement());
          for (JsonNode property : metadata.path("properties")) {
            String name = property.path("name").asText();
            if (name.startsWith(PREFIX)) {
              types.put(name, property.path("type").asText("java.lang.String"));
            }
          }
          for (JsonNode group : metadata.path("groups")) {
            String name = group.path("name").asText();
            if ((name + ".").startsWith(PREFIX) && group.has("type")) {
              prefixes.put(name, group.path("type").asText());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    prefixes.putAll(types);
    return new KairosConfigurationMetadata(types, prefixes);
  }

  Collection<String> names() {
    return typeByName.keySet();
  }

  /**
   * Whether {@code documented} names a property or a group of them: one of the metadata itself, or
   * a name below a group, list, map or nested object of it whose every segment the Java type has.
   */
  boolean exists(String documented) {
    if (typeByPrefix.containsKey(documented)) {
      return true;
    }
    for (Map.Entry<String, String> property : typeByPrefix.entrySet()) {
      String name = property.getKey();
      if (documented.startsWith(name + ".") || documented.startsWith(name + "[")) {
        List<String> segments = segments(documented.substring(name.length()));
        if (resolves(typeOf(property.getValue()), segments)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a documented name is this property or a name below it. */
  static boolean covers(String documented, String property) {
    return documented.equals(property)
        || documented.startsWith(property + ".")
        || documented.startsWith(property + "[");
  }

  private static List<String> segments(String rest) {
    List<String> segments = new ArrayList<>();
    Matcher matcher = SEGMENT.matcher(rest);
    while (matcher.find()) {
      segments.add(matcher.group());
    }
    return segments;
  }

  private static boolean resolves(ResolvableType type, List<String> segments) {
    if (segments.isEmpty()) {
      return true;
    }
    String segment = segments.get(0);
    List<String> rest = segments.subList(1, segments.size());
    Class<?> raw = type.resolve(Object.class);
    if (segment.equals("*")) {
      return rest.isEmpty() && (Map.class.isAssignableFrom(raw) || isObject(raw));
    }
    if (segment.startsWith("[")) {
      return Collection.class.isAssignableFrom(raw)
          && resolves(type.asCollection().getGeneric(0), rest);
    }
    if (Map.class.isAssignableFrom(raw)) {
      return resolves(type.asMap().getGeneric(1), rest); // the segment is a key
    }
    if (!isObject(raw)) {
      return false;
    }
    return member(raw, segment).map(member -> resolves(member, rest)).orElse(false);
  }

  /** A record component or bean property named {@code kebab-case} or {@code camelCase}. */
  private static Optional<ResolvableType> member(Class<?> type, String segment) {
    String wanted = squash(segment);
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        if (squash(component.getName()).equals(wanted)) {
          return Optional.of(ResolvableType.forMethodReturnType(component.getAccessor()));
        }
      }
      return Optional.empty();
    }
    for (var property : BeanUtils.getPropertyDescriptors(type)) {
      if (property.getWriteMethod() != null && squash(property.getName()).equals(wanted)) {
        return Optional.of(ResolvableType.forMethodParameter(property.getWriteMethod(), 0));
      }
    }
    return Optional.empty();
  }

  /** A type with members of its own: not a JDK type, an enum or a simple value. */
  private static boolean isObject(Class<?> type) {
    return !type.isEnum()
        && !type.isPrimitive()
        && !type.getName().startsWith("java.")
        && !BeanUtils.isSimpleValueType(type)
        && !type.getName().startsWith("org.springframework.util.unit.");
  }

  private static String squash(String name) {
    return name.replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** A type as the metadata writes it, e.g. {@code java.util.Map<java.lang.String,a.B$C>}. */
  static ResolvableType typeOf(String written) {
    String type = written.strip();
    int open = type.indexOf('<');
    Class<?> raw = load(open < 0 ? type : type.substring(0, open));
    if (open < 0) {
      return ResolvableType.forClass(raw);
    }
    List<ResolvableType> arguments = new ArrayList<>();
    int depth = 0;
    int start = open + 1;
    for (int i = start; i < type.length() - 1; i++) {
      char c = type.charAt(i);
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        arguments.add(typeOf(type.substring(start, i)));
        start = i + 1;
      }
    }
    arguments.add(typeOf(type.substring(start, type.length() - 1)));
    return ResolvableType.forClassWithGenerics(raw, arguments.toArray(ResolvableType[]::new));
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, KairosConfigurationMetadata.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the metadata names a type not on the class path: " + name);
    }
  }
}
