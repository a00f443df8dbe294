package io.kairos.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.PublishedTypes.PublishedType;
import io.kairos.catalogue.PublishedTypes.ServingNode;
import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statements on {@code kairos_type_schema} and {@code kairos_node_type} (their only owner): a
 * node's published types, and what is published and served by live nodes. A node is live while it
 * is not STOPPED and was seen within {@code liveWithin}.
 */
final class PublishedTypeStore {

  private static final String LIVE =
      "n.state <> 'STOPPED' and n.last_seen > now() - ? * interval '1 millisecond'";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final ObjectMapper json;
  private final Duration liveWithin;

  PublishedTypeStore(
      DataSource dataSource, KairosSchema schema, ObjectMapper json, Duration liveWithin) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
    this.json = json;
    this.liveWithin = liveWithin;
  }

  /** One type a node publishes: its schema (JSON text) and that schema's hash. */
  record Published(
      String name,
      String schemaHash,
      String description,
      String schema,
      String secretFields,
      boolean builtIn) {}

  /**
   * Replaces what {@code node} published before with {@code types}, in the caller's transaction.
   */
  void replace(String node, List<Published> types) {
    jdbc.update(schema.sql("delete from kairos_node_type where node = ?"), node);
    for (Published type : types) {
      jdbc.update(
          schema.sql(
              "insert into kairos_type_schema (type_name, schema_hash, description,"
                  + " payload_schema, secret_fields, built_in)"
                  + " values (?, ?, ?, ?::jsonb, ?::jsonb, ?)"
                  + " on conflict (type_name, schema_hash) do update set"
                  + " description = excluded.description, secret_fields = excluded.secret_fields,"
                  + " built_in = excluded.built_in, last_published = now()"),
          type.name(),
          type.schemaHash(),
          type.description(),
          type.schema(),
          type.secretFields(),
          type.builtIn());
      jdbc.update(
          schema.sql(
              "insert into kairos_node_type (node, type_name, schema_hash) values (?, ?, ?)"),
          node,
          type.name(),
          type.schemaHash());
    }
  }

  /** Names of the types at least one live node serves. */
  Set<String> servedTypes() {
    return Set.copyOf(
        jdbc.queryForList(
            schema.sql(
                "select distinct t.type_name from kairos_node_type t join kairos_node n on n.name ="
                    + " t.node where "
                    + LIVE),
            String.class,
            liveWithin.toMillis()));
  }

  /** Every type ever published ({@code only} null), or the one named {@code only}. */
  List<PublishedType> load(String only) {
    String where = only == null ? "" : " where s.type_name = ?";
    Object[] args = only == null ? new Object[0] : new Object[] {only};
    Map<String, PublishedType> latest = new LinkedHashMap<>();
    jdbc.query(
        schema.sql(
            "select distinct on (s.type_name) s.* from kairos_type_schema s"
                + where
                + " order by s.type_name, s.last_published desc"),
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
        schema.sql(
            "select t.type_name, t.node, t.schema_hash, n.last_seen, s.payload_schema"
                + " from kairos_node_type t join kairos_node n on n.name = t.node"
                + " join kairos_type_schema s on s.type_name = t.type_name and s.schema_hash ="
                + " t.schema_hash where "
                + LIVE
                + (only == null ? "" : " and t.type_name = ?")
                + " order by t.type_name, t.node"),
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
}
