package io.kairos.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.job.JobType;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job types workers publish: which types exist in the cluster, with their payload schemas, and
 * which live nodes serve them. The only owner of {@code kairos_type_schema} and {@code
 * kairos_node_type}. A node is live while it is not STOPPED and was seen within {@code liveWithin}.
 */
public final class PublishedTypes {

  private final PublishedTypeStore store;
  private final TransactionTemplate transactions;
  private final ObjectMapper json;
  private final PayloadSchemas schemas = new PayloadSchemas();
  private final long readEveryNanos;
  private final Set<String> builtInTypes;
  private final Map<String, Recent<Optional<PublishedType>>> recentByName =
      new ConcurrentHashMap<>();
  private volatile Recent<Set<String>> recentlyServed;

  /** What was read, and when ({@link System#nanoTime()}). */
  private record Recent<T>(T value, long readAt) {}

  /** Published types none of which is built in (an application's own). */
  public PublishedTypes(
      DataSource dataSource,
      KairosSchema schema,
      ObjectMapper json,
      Duration liveWithin,
      Duration readEvery) {
    this(dataSource, schema, json, liveWithin, readEvery, Set.of());
  }

  /**
   * @param readEvery how long readers on a hot path (the API checking each new job, each job
   *     response) may keep what they read before reading it again
   * @param builtInTypes the names of the built-in types, published as built in: the API binds and
   *     checks those itself and does not check them against their published schemas
   */
  public PublishedTypes(
      DataSource dataSource,
      KairosSchema schema,
      ObjectMapper json,
      Duration liveWithin,
      Duration readEvery,
      Set<String> builtInTypes) {
    this.builtInTypes = Set.copyOf(builtInTypes);
    this.store = new PublishedTypeStore(dataSource, schema, json, liveWithin);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.json = json;
    this.readEveryNanos = readEvery.toNanos();
  }

  /** A node serving a type, with the hash of the schema it published. */
  public record ServingNode(String node, String schemaHash, Instant lastSeen) {}

  /**
   * A type as published: its most recently published description and schema, the live nodes serving
   * it, and the distinct schemas those nodes published (more than one during a rolling upgrade that
   * changes the payload).
   */
  public record PublishedType(
      String name,
      String description,
      boolean builtIn,
      List<String> secretFields,
      JsonNode payloadSchema,
      Instant lastPublished,
      List<ServingNode> servedBy,
      Map<String, JsonNode> liveSchemas) {

    /**
     * The schemas a new payload must satisfy: every live node's, or the latest when none is live.
     */
    public Collection<JsonNode> schemasToSatisfy() {
      return liveSchemas.isEmpty() ? List.of(payloadSchema) : liveSchemas.values();
    }
  }

  /**
   * Records that {@code node} serves {@code types} from now on, replacing what it published before.
   */
  public void publish(String node, Collection<JobType<?>> types) {
    List<PublishedTypeStore.Published> published =
        types.stream()
            .map(
                type -> {
                  String schema = text(schemas.schemaOf(type.payloadClass()));
                  return new PublishedTypeStore.Published(
                      type.name(),
                      Sha256.hex(schema),
                      type.description(),
                      schema,
                      text(json.valueToTree(type.secretFields())),
                      builtInTypes.contains(type.name()));
                })
            .toList();
    transactions.executeWithoutResult(tx -> store.replace(node, published));
  }

  /** Every type ever published, by name. */
  public List<PublishedType> all() {
    return store.load(null);
  }

  public Optional<PublishedType> find(String name) {
    return store.load(name).stream().findFirst();
  }

  /**
   * {@link #find}, as read at most {@code readEvery} ago: for readers on a hot path (the API
   * checking each new job). A type a worker has just published is known that soon.
   */
  public Optional<PublishedType> findRecent(String name) {
    Recent<Optional<PublishedType>> recent = recentByName.get(name);
    if (!fresh(recent)) {
      if (recentByName.size() > 10_000) {
        recentByName.clear(); // names nobody published, guessed by a client: keep the map bounded
      }
      recent = new Recent<>(find(name), System.nanoTime());
      recentByName.put(name, recent);
    }
    return recent.value();
  }

  /** {@link #servedTypes}, as read at most {@code readEvery} ago (every job response asks). */
  public Set<String> recentlyServedTypes() {
    Recent<Set<String>> recent = recentlyServed;
    if (!fresh(recent)) {
      recent = new Recent<>(servedTypes(), System.nanoTime());
      recentlyServed = recent;
    }
    return recent.value();
  }

  private boolean fresh(Recent<?> recent) {
    return recent != null && System.nanoTime() - recent.readAt() < readEveryNanos;
  }

  /** Names of the types at least one live node serves. */
  public Set<String> servedTypes() {
    return store.servedTypes();
  }

  private String text(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
