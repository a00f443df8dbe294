package io.kairos.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.NullNode;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidJobException.Problem;
import io.kairos.job.JobType;
import io.kairos.job.PayloadCheck;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The job types this deployment knows, and the one place a payload is bound and validated. The
 * worker and the API share it, so the API refuses exactly what the worker could not run.
 */
public final class JobCatalogue {

  /** The types this catalogue offers (a worker's: those it serves). */
  private final Map<String, JobType<?>> types;

  /** Those, and types it can bind and check without offering them (see {@link #alsoKnowing}). */
  private final Map<String, JobType<?>> known;

  private final ObjectMapper json;
  private final Map<String, PayloadCheck<?>> checks;
  private final PublishedTypeLookup published;
  private final CredentialUses credentialUses;

  /** Payloads against their types' JSON Schemas: shared by the catalogues made from this one. */
  private final SchemaProblems schemas;

  public JobCatalogue(Collection<JobType<?>> types, ObjectMapper json) {
    Map<String, JobType<?>> byName = new LinkedHashMap<>();
    for (JobType<?> type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("job type registered twice: " + type.name());
      }
    }
    this.types = Collections.unmodifiableMap(byName);
    this.known = this.types;
    this.json = json;
    this.checks = Map.of();
    this.published = null;
    this.schemas = new SchemaProblems();
    this.credentialUses = CredentialUses.UNCHECKED;
  }

  private JobCatalogue(
      Map<String, JobType<?>> types,
      Map<String, JobType<?>> known,
      ObjectMapper json,
      Map<String, PayloadCheck<?>> checks,
      PublishedTypeLookup published,
      SchemaProblems schemas,
      CredentialUses credentialUses) {
    this.types = types;
    this.known = known;
    this.json = json;
    this.checks = Map.copyOf(checks);
    this.published = published;
    this.schemas = schemas;
    this.credentialUses = credentialUses;
  }

  /**
   * This catalogue, with the rule for jobs that use stored OAuth credentials ({@link
   * #credentialUses()}), which the creation paths that know their caller apply.
   */
  public JobCatalogue withCredentials(CredentialUses uses) {
    return new JobCatalogue(
        types,
        known,
        json,
        checks,
        published,
        schemas,
        java.util.Objects.requireNonNull(uses, "uses"));
  }

  /** Who may use which stored credential, and where its token may go. */
  public CredentialUses credentialUses() {
    return credentialUses;
  }

  /**
   * This catalogue, also knowing the types workers published (an application's own types), which it
   * cannot bind to their records: their payloads are checked against the published JSON Schemas
   * instead. The API's catalogue is one.
   */
  public JobCatalogue withPublishedTypes(PublishedTypes publishedTypes) {
    return new JobCatalogue(
        types,
        known,
        json,
        checks,
        new PublishedTypeLookup(publishedTypes, schemas),
        schemas,
        credentialUses);
  }

  /**
   * This catalogue, also binding and checking {@code others} without offering them ({@link
   * #types()} stays as it is): a worker schedules built-in types it does not serve itself.
   */
  public JobCatalogue alsoKnowing(Collection<JobType<?>> others) {
    Map<String, JobType<?>> all = new LinkedHashMap<>(known);
    others.forEach(type -> all.putIfAbsent(type.name(), type));
    return new JobCatalogue(
        types, Collections.unmodifiableMap(all), json, checks, published, schemas, credentialUses);
  }

  /** The secret payload fields of type {@code name}, whether built in or published. */
  public List<String> secretFieldsOf(String name) {
    JobType<?> local = known.get(name);
    if (local != null) {
      return local.secretFields();
    }
    return published == null
        ? List.of()
        : published.find(name).map(PublishedTypes.PublishedType::secretFields).orElse(List.of());
  }

  /** This catalogue, with {@code check} run on every payload of {@code type} it binds. */
  public <P> JobCatalogue withCheck(JobType<P> type, PayloadCheck<P> check) {
    if (!known.containsKey(type.name())) {
      return this; // not offered here (e.g. an operator-only type in the API's catalogue)
    }
    Map<String, PayloadCheck<?>> all = new LinkedHashMap<>(checks);
    all.put(type.name(), check);
    return new JobCatalogue(types, known, json, all, published, schemas, credentialUses);
  }

  public List<JobType<?>> types() {
    return List.copyOf(types.values());
  }

  /** Whether {@code name} is one of this catalogue's own types (not only a published one). */
  public boolean contains(String name) {
    return types.containsKey(name);
  }

  public JobType<?> require(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidJobException("type", "is required");
    }
    JobType<?> type = known.get(name);
    if (type != null) {
      return type;
    }
    if (published != null) {
      Optional<PublishedTypes.PublishedType> found = published.find(name);
      if (found.isPresent()) {
        return new JobType<>(
            name, JsonNode.class, found.get().description(), found.get().secretFields());
      }
    }
    Set<String> names = new TreeSet<>(known.keySet());
    if (published != null) {
      names.addAll(published.names());
    }
    throw new InvalidJobException(
        "type",
        "'"
            + name
            + "' is not a known job type (no worker ever published it); known: "
            + String.join(", ", names));
  }

  /**
   * Binds and validates a payload; an absent payload binds as {@code {}}. The payload is checked
   * against its type's JSON Schema (its record's, with the record's Bean Validation constraints;
   * or, for a type only published, the published schemas) and bound to its record; every field
   * found wrong is named at once ({@link InvalidJobException#problems()}). Then the type's own
   * check runs ({@link #withCheck}).
   *
   * @throws InvalidJobException naming each offending field as {@code payload.<path>}
   */
  public <P> P bind(JobType<P> type, JsonNode payload) {
    JsonNode node =
        payload == null || payload instanceof NullNode ? json.createObjectNode() : payload;
    if (!node.isObject()) {
      throw new InvalidJobException("payload", "must be a JSON object");
    }
    boolean onlyPublished = published != null && !known.containsKey(type.name());
    P bound = null;
    InvalidJobException unbound = null;
    try {
      bound = json.treeToValue(node, type.payloadClass());
    } catch (InvalidJobException e) {
      unbound = e;
    } catch (JsonProcessingException e) {
      unbound = bindingProblem(type, e);
    }
    List<Problem> problems = new ArrayList<>();
    if (unbound != null) {
      // What binding said first (a record's own check speaks more precisely than a schema), then
      // what the schema finds elsewhere.
      problems.addAll(unbound.problems());
    }
    List<Problem> fromSchema;
    if (onlyPublished) {
      fromSchema = published.problems(type.name(), node);
    } else if (unbound == null) {
      fromSchema = schemas.ofBound(type.payloadClass(), json.valueToTree(bound));
    } else {
      fromSchema = schemas.ofUnbound(type.payloadClass(), node);
    }
    for (Problem problem : fromSchema) {
      if (problems.stream().noneMatch(p -> related(p.field(), problem.field()))) {
        problems.add(problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidJobException(problems);
    }
    if (onlyPublished) {
      return bound;
    }
    @SuppressWarnings("unchecked")
    PayloadCheck<P> check = (PayloadCheck<P>) checks.get(type.name());
    if (check != null) {
      try {
        check.check(bound);
      } catch (InvalidJobException invalid) {
        throw invalid.within("payload");
      }
    }
    return bound;
  }

  /** Jackson's refusal of a payload as the field it names. */
  private static InvalidJobException bindingProblem(JobType<?> type, JsonProcessingException e) {
    if (e instanceof ValueInstantiationException instantiation) {
      Throwable cause = instantiation.getCause();
      if (cause instanceof InvalidJobException invalid) {
        return invalid.within("payload");
      }
      return new InvalidJobException(
          "payload", cause != null ? String.valueOf(cause.getMessage()) : e.getOriginalMessage());
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      return new InvalidJobException(
          "payload." + unknown.getPropertyName(),
          "is not a field of '"
              + type.name()
              + "' payloads; known: "
              + unknown.getKnownPropertyIds());
    }
    if (e instanceof InvalidFormatException format) {
      return new InvalidJobException(path(format), "has an invalid value: " + format.getValue());
    }
    if (e instanceof MismatchedInputException mismatch) {
      if (String.valueOf(mismatch.getOriginalMessage())
          .startsWith("Missing required creator property")) {
        return new InvalidJobException(path(mismatch), "is required");
      }
      return new InvalidJobException(path(mismatch), "has the wrong JSON type");
    }
    return new InvalidJobException("payload", e.getOriginalMessage());
  }

  /** Whether two fields are one, or one lies within the other. */
  private static boolean related(String a, String b) {
    return a.equals(b) || within(a, b) || within(b, a);
  }

  private static boolean within(String inner, String outer) {
    return inner.startsWith(outer)
        && (inner.charAt(outer.length()) == '.' || inner.charAt(outer.length()) == '[');
  }

  private static String path(MismatchedInputException e) {
    String fields =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return fields.isEmpty() ? "payload" : "payload." + fields;
  }
}
