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
import io.kairos.job.JobType;
import io.kairos.job.PayloadCheck;
import io.kairos.jobtype.email.SenderDomainCheck;
import io.kairos.jobtype.webhook.WebhookTargetCheck;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
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
    this.credentialUses = CredentialUses.UNCHECKED;
  }

  private JobCatalogue(
      Map<String, JobType<?>> types,
      Map<String, JobType<?>> known,
      ObjectMapper json,
      Map<String, PayloadCheck<?>> checks,
      PublishedTypeLookup published,
      CredentialUses credentialUses) {
    this.types = types;
    this.known = known;
    this.json = json;
    this.checks = Map.copyOf(checks);
    this.published = published;
    this.credentialUses = credentialUses;
  }

  /**
   * This catalogue, with the rule for jobs that use stored OAuth credentials ({@link
   * #credentialUses()}), which the creation paths that know their caller apply.
   */
  public JobCatalogue withCredentials(CredentialUses uses) {
    return new JobCatalogue(
        types, known, json, checks, published, java.util.Objects.requireNonNull(uses, "uses"));
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
        types, known, json, checks, new PublishedTypeLookup(publishedTypes), credentialUses);
  }

  /**
   * This catalogue, also binding and checking {@code others} without offering them ({@link
   * #types()} stays as it is): a worker schedules built-in types it does not serve itself.
   */
  public JobCatalogue alsoKnowing(Collection<JobType<?>> others) {
    Map<String, JobType<?>> all = new LinkedHashMap<>(known);
    others.forEach(type -> all.putIfAbsent(type.name(), type));
    return new JobCatalogue(
        types, Collections.unmodifiableMap(all), json, checks, published, credentialUses);
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

  /**
   * The built-in types anyone may create, with webhook targets checked against {@code
   * webhookTargets} and e-mail senders against {@code senders} at creation. Worker and API build
   * theirs here, so the API refuses exactly what a worker would.
   */
  public static JobCatalogue builtIn(
      Collection<JobType<?>> types,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders) {
    return builtIn(types, json, webhookTargets, senders, id -> true);
  }

  /**
   * As {@link #builtIn(Collection, ObjectMapper, OutboundPolicy, SenderDomains)}, and a webhook
   * naming an OAuth credential ({@code auth.oauthCredential}) must name one for which {@code
   * credentialExists} holds.
   */
  public static JobCatalogue builtIn(
      Collection<JobType<?>> types,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders,
      Predicate<String> credentialExists) {
    return builtIn(types, List.of(), json, webhookTargets, senders, credentialExists);
  }

  /**
   * As {@link #builtIn(Collection, ObjectMapper, OutboundPolicy, SenderDomains, Predicate)},
   * offering {@code types} and also knowing {@code alsoKnown} ({@link #alsoKnowing}), checked
   * alike.
   */
  public static JobCatalogue builtIn(
      Collection<JobType<?>> types,
      Collection<JobType<?>> alsoKnown,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders,
      Predicate<String> credentialExists) {
    return new JobCatalogue(types, json)
        .alsoKnowing(alsoKnown)
        .withCheck(
            BuiltInJobTypes.WEBHOOK,
            new WebhookTargetCheck(webhookTargets, Resolver.SYSTEM, credentialExists))
        .withCheck(BuiltInJobTypes.EMAIL, new SenderDomainCheck(senders));
  }

  /** This catalogue, with {@code check} run on every payload of {@code type} it binds. */
  public <P> JobCatalogue withCheck(JobType<P> type, PayloadCheck<P> check) {
    if (!known.containsKey(type.name())) {
      return this; // not offered here (e.g. an operator-only type in the API's catalogue)
    }
    Map<String, PayloadCheck<?>> all = new LinkedHashMap<>(checks);
    all.put(type.name(), check);
    return new JobCatalogue(types, known, json, all, published, credentialUses);
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

  /** Binds and validates a payload; an absent payload binds as {@code {}}. */
  public <P> P bind(JobType<P> type, JsonNode payload) {
    JsonNode node =
        payload == null || payload instanceof NullNode ? json.createObjectNode() : payload;
    if (!node.isObject()) {
      throw new InvalidJobException("payload", "must be a JSON object");
    }
    P bound;
    try {
      bound = json.treeToValue(node, type.payloadClass());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidJobException invalid) {
        throw new InvalidJobException("payload." + invalid.field(), invalid.reason());
      }
      throw new InvalidJobException(
          "payload", cause != null ? String.valueOf(cause.getMessage()) : e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidJobException(
          "payload." + e.getPropertyName(),
          "is not a field of '" + type.name() + "' payloads; known: " + e.getKnownPropertyIds());
    } catch (InvalidFormatException e) {
      throw new InvalidJobException(path(e), "has an invalid value: " + e.getValue());
    } catch (MismatchedInputException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Missing required creator property")) {
        throw new InvalidJobException(path(e), "is required");
      }
      throw new InvalidJobException(path(e), "has the wrong JSON type");
    } catch (JsonProcessingException e) {
      throw new InvalidJobException("payload", e.getOriginalMessage());
    }
    if (published != null && !known.containsKey(type.name())) {
      published.check(type.name(), node);
      return bound;
    }
    @SuppressWarnings("unchecked")
    PayloadCheck<P> check = (PayloadCheck<P>) checks.get(type.name());
    if (check != null) {
      try {
        check.check(bound);
      } catch (InvalidJobException invalid) {
        throw new InvalidJobException("payload." + invalid.field(), invalid.reason());
      }
    }
    return bound;
  }

  private static String path(MismatchedInputException e) {
    String fields =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return fields.isEmpty() ? "payload" : "payload." + fields;
  }
}
