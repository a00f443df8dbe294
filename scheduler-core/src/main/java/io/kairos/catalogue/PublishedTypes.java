package io.kairos.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.job.JobType;
import io.kairos.serialization.Sha256;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job types workers publish: which types exist in the cluster, with their payload schemas, and
 * which live nodes serve them. The only owner of {@code kairos_type_schema} and {@code
 * kairos_node_type}. A node is live while it is not STOPPED and was seen within {@code liveWithin}.
 */
public final class PublishedTypes {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final ObjectMapper json;
  private final PayloadSchemas schemas = new PayloadSchemas();
  private final Duration liveWithin;
  private final long readEveryNanos;
  private final Set<String> builtInTypes;
  private final Map<String, Recent<Optional<PublishedType>>> recentByName =
      new ConcurrentHashMap<>();
  private volatile Recent<Set<String>> recentlyServed;

  /** What was read, and when ({@link System#nanoTime()}). */
  private record Recent<T>(T value, long readAt) {}

  /** Published types none of which is built in (an application's own). */
  public PublishedTypes(
      DataSource dataSource, ObjectMapper json, Duration liveWithin, Duration readEvery) {
    this(dataSource, json, liveWithin, readEvery, Set.of());
  }

  /**
   * @param readEvery how long readers on a hot path (the API checking each new job, each job
   *     response) may keep what they read before reading it again
   * @param builtInTypes the names of the built-in types, published as built in: the API binds and
   *     checks those itself and does not check them against their published schemas
   */
  public PublishedTypes(
      DataSource dataSource,
      ObjectMapper json,
      Duration liveWithin,
      Duration readEvery,
      Set<String> builtInTypes) {
    this.builtInTypes = Set.copyOf(builtInTypes);
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.json = json;
    this.liveWithin = liveWithin;
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
    transactions.executeWithoutResult(
        tx -> {
          jdbc.update("delete from kairos_node_type where node = ?", node);
          for (JobType<?> type : types) {
            String schema = text(schemas.schemaOf(type.payloadClass()));
            String hash = Sha256.hex(schema);
            jdbc.update(
                "insert into kairos_type_schema (type_name, schema_hash, description,"
                    + " payload_schema, secret_fields, built_in)"
                    + " values (?, ?, ?, ?::jsonb, ?::jsonb, ?)"
                    + " on conflict (type_name, schema_hash) do update set"
                    + " description = excluded.description, secret_fields = excluded.secret_fields,"
                    + " built_in = excluded.built_in, last_published = now()",
                type.name(),
                hash,
                type.description(),
                schema,
                text(json.valueToTree(type.secretFields())),
                builtInTypes.contains(type.name()));
            jdbc.update(
                "insert into kairos_node_type (node, type_name, schema_hash) values (?, ?, ?)",
                node,
                type.name(),
                hash);
          }
        });
  }

  /** Every type ever published, by name. */
  public List<PublishedType> all() {
    return load(null);
  }

  public Optional<PublishedType> find(String name) {
    return load(name).stream().findFirst();
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
    return Set.copyOf(
        jdbc.queryForList(
            "select distinct t.type_name from kairos_node_type t join kairos_node n on n.name ="
                + " t.node where "
                + LIVE,
            String.class,
            liveWithin.toMillis()));
  }

  private static final String LIVE =
      "n.state <> 'STOPPED' and n.last_seen > now() - ? * interval '1 millisecond'";

  private List<PublishedType> load(String only) {
    String where = only == null ? "" : " where s.type_name = ?";
    Object[] args = only == null ? new Object[0] : new Object[] {only};
    Map<String, PublishedType> latest = new LinkedHashMap<>();
    jdbc.query(
        "select distinct on (s.type_name) s.* from kairos_type_schema s"
            + where
            + " order by s.type_name, s.last_published desc",
        (ResultSet rs) -> {
          PublishedType type =
              new PublishedType(
                  rs.getString("type_name"),
                  rs.getString("description"),
                  rs.getBoolean("built_in"),
                  strings(rs.getString("secret_fields")),
                  tree(rs.getString("payload_schema")),
                  rs.getTimestamp("last_published").toInstant(),
                  new ArrayList<>(),
                  new LinkedHashMap<>());
          latest.put(type.name(), type);
        },
        args);
    Object[] liveArgs =
        only == null
            ? new Object[] {liveWithin.toMillis()}
            : new Object[] {liveWithin.toMillis(), only};
    jdbc.query(
        "select t.type_name, t.node, t.schema_hash, n.last_seen, s.payload_schema"
            + " from kairos_node_type t join kairos_node n on n.name = t.node"
            + " join kairos_type_schema s on s.type_name = t.type_name and s.schema_hash ="
            + " t.schema_hash where "
            + LIVE
            + (only == null ? "" : " and t.type_name = ?")
            + " order by t.type_name, t.node",
        (ResultSet rs) -> {
          PublishedType type = latest.get(rs.getString("type_name"));
          if (type == null) {
            return;
          }
          String hash = rs.getString("schema_hash");
          type.servedBy()
              .add(
                  new ServingNode(
                      rs.getString("node"), hash, rs.getTimestamp("last_seen").toInstant()));
          if (!type.liveSchemas().containsKey(hash)) {
            type.liveSchemas().put(hash, tree(rs.getString("payload_schema")));
          }
        },
        liveArgs);
    return latest.values().stream()
        .map(
            t ->
                new PublishedType(
                    t.name(),
                    t.description(),
                    t.builtIn(),
                    t.secretFields(),
                    t.payloadSchema(),
                    t.lastPublished(),
                    List.copyOf(t.servedBy()),
                    Map.copyOf(t.liveSchemas())))
        .collect(Collectors.toList());
  }

  private List<String> strings(String jsonText) {
    List<String> values = new ArrayList<>();
    tree(jsonText).forEach(node -> values.add(node.asText()));
    return values;
  }

  private JsonNode tree(String jsonText) {
    try {
      return json.readTree(jsonText);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable published schema", e);
    }
  }

  private String text(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
