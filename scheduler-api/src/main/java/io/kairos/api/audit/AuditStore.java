package io.kairos.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit trail's statements: append entries, read them newest first, prune the oldest. */
final class AuditStore {

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final ObjectMapper json;

  AuditStore(DataSource dataSource, KairosSchema schema, ObjectMapper json) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
    this.json = json;
  }

  /** Appends entries in one batch; {@code at} is the database's clock. */
  void append(List<AuditRecord> records) {
    jdbc.batchUpdate(
        schema.sql(
            "insert into kairos_audit (actor, channel, session, address, action, target, before,"
                + " after) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)"),
        records.stream()
            .map(
                r ->
                    new Object[] {
                      r.actor(),
                      r.channel(),
                      r.session(),
                      r.address(),
                      r.action(),
                      r.target(),
                      text(r.before()),
                      text(r.after())
                    })
            .toList());
  }

  /** Up to {@code limit} entries matching {@code filter} with ids below {@code beforeId}. */
  List<AuditEntry> page(AuditFilter filter, Long beforeId, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "select id, at, actor, channel, session, address, action, target, before::text,"
                + " after::text from kairos_audit where true");
    List<Object> args = new ArrayList<>();
    if (beforeId != null) {
      sql.append(" and id < ?");
      args.add(beforeId);
    }
    if (filter.actor() != null) {
      sql.append(" and actor = ?");
      args.add(filter.actor());
    }
    if (filter.action() != null) {
      sql.append(" and action = ?");
      args.add(filter.action());
    }
    if (filter.target() != null) {
      sql.append(" and target = ?");
      args.add(filter.target());
    }
    if (filter.since() != null) {
      sql.append(" and at >= ?");
      args.add(Timestamp.from(filter.since()));
    }
    if (filter.until() != null) {
      sql.append(" and at < ?");
      args.add(Timestamp.from(filter.until()));
    }
    sql.append(" order by id desc limit ?");
    args.add(limit);
    return jdbc.query(schema.sql(sql.toString()), (rs, n) -> entry(rs), args.toArray());
  }

  /** Deletes up to {@code batchSize} entries older than {@code retention}; returns how many. */
  int prune(Duration retention, int batchSize) {
    return jdbc.update(
        schema.sql(
            "delete from kairos_audit where id = any(array(select id from kairos_audit where at <"
                + " now() - make_interval(secs => ?) order by id limit ?))"),
        retention.toSeconds(),
        batchSize);
  }

  private AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong("id"),
        rs.getTimestamp("at").toInstant(),
        rs.getString("actor"),
        rs.getString("channel"),
        rs.getString("session"),
        rs.getString("address"),
        rs.getString("action"),
        rs.getString("target"),
        node(rs.getString("before")),
        node(rs.getString("after")));
  }

  private String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.toString();
  }

  private JsonNode node(String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("kairos_audit holds JSON that does not parse", e);
    }
  }
}
